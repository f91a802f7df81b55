import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import {
  makeDocumentClient,
  makeDynamoDbClient,
  makeEventBridgeClient,
  makeSecretsManagerClient,
  makeSsmClient,
} from '../../shared/aws/clients';
import { makeEventPublisher } from '../../shared/aws/event-bus';
import { makeIdempotentFunction } from '../../shared/aws/idempotency';
import { makeKeyStore } from '../../shared/aws/key-store';
import { makeLivenessTable } from '../../shared/aws/liveness-table';
import { makeVipRecordStore } from '../../shared/aws/vip-records';
import { intEnv, requireEnv } from '../../shared/config/env';
import { type KeyStoreRef, parseKeyStoreRef } from '../../shared/config/keys';
import { loadConfigFromEnv } from '../../shared/config/load';
import type { Clock } from '../../shared/core/ports';
import { runUntil, stopBeforeTimeout } from '../../shared/core/stop';
import { type ApplyOnce, applyNotification, DUPLICATE } from '../../shared/domain/intake/apply';
import {
  type CheckDeps,
  dedupeWindowSeconds,
  type VerifiedNotification,
} from '../../shared/domain/intake/check';
import { makeKeyring } from '../../shared/domain/intake/keyring';
import { capture, emit, logger } from '../../shared/telemetry';
import { keyStoreOutageTelemetry } from './telemetry';

export interface HeartbeatDeps extends CheckDeps {
  /** applyNotification at most once per `source#msgId` (Powertools idempotency on the dedupe table). */
  readonly applyOnce: ApplyOnce;
  readonly registerContext: (context: Context) => void;
}

/** Composition root: read the environment once, build clients and adapters once per container. */
export const buildDeps = (
  env: NodeJS.ProcessEnv = process.env,
  now: Clock = () => new Date(),
): HeartbeatDeps => {
  const config = loadConfigFromEnv(env);
  const toleranceSeconds = intEnv('TIMESTAMP_TOLERANCE_SECONDS', 300, env);
  const clients = { endpoint: env.AWS_ENDPOINT_URL, capture };
  const stopMarginMs = intEnv('STOP_BEFORE_TIMEOUT_MS', 2_000, env);
  let stop = new AbortController().signal;
  const dynamodb = makeDynamoDbClient(clients);
  const documents = makeDocumentClient(dynamodb);

  const stores = new Map<string, KeyStoreRef>();
  for (const cluster of config.clusters) {
    const ref = cluster.signing?.keyStore && parseKeyStoreRef(cluster.signing.keyStore);
    if (ref) stores.set(cluster.name, ref);
  }
  const keyring = makeKeyring(
    (name) => config.clusters.find((c) => c.name === name)?.signing?.publicKeys ?? [],
    makeKeyStore(
      stores,
      { ssm: makeSsmClient(clients), secrets: makeSecretsManagerClient(clients) },
      intEnv('KEY_CACHE_SECONDS', 300, env),
      (cluster, parameter) =>
        logger.warn('HMAC secret in a parameter that is not a SecureString; it is not trusted', {
          cluster,
          parameter,
        }),
    ),
    now,
    { refreshIntervalMs: intEnv('KEY_REFRESH_INTERVAL_SECONDS', 60, env) * 1000 },
    {
      invalidEntries: (cluster, positions) =>
        logger.warn('key store holds invalid key entries; they are ignored', {
          cluster,
          positions,
        }),
      storeUnavailable: (cluster, error) => emit(keyStoreOutageTelemetry(cluster, error)),
    },
  );

  const applyDeps = {
    liveness: makeLivenessTable(documents, requireEnv('LIVENESS_TABLE', env)),
    state: makeVipRecordStore(documents, requireEnv('STATE_TABLE', env)),
    bus: makeEventPublisher(makeEventBridgeClient(clients), requireEnv('EVENT_BUS_NAME', env)),
    now,
  };
  const once = makeIdempotentFunction(
    (notification: VerifiedNotification) => applyNotification(notification, applyDeps),
    dynamodb,
    {
      tableName: requireEnv('DEDUPE_TABLE', env),
      keyPath: '[source, msgId]',
      expiresAfterSeconds: dedupeWindowSeconds(toleranceSeconds),
      onReplay: () => DUPLICATE,
    },
  );
  // Both effects stop (retryable, so Lambda retries the event) before the function's timeout.
  return {
    config,
    keyring: { lookup: (cluster, kids) => runUntil(stop, () => keyring.lookup(cluster, kids)) },
    now,
    toleranceSeconds,
    applyOnce: async (notification) => {
      try {
        return await runUntil(stop, () => once.run({ ...notification }));
      } catch (error) {
        // The same message is being applied right now; that invocation owns the effect.
        if (error instanceof IdempotencyAlreadyInProgressError) return DUPLICATE;
        throw error;
      }
    },
    registerContext: (context) => {
      stop = stopBeforeTimeout(context.getRemainingTimeInMillis(), stopMarginMs);
      once.config.registerLambdaContext(context);
    },
  };
};
