import type { Context } from 'aws-lambda';
import { makeVerdictWriter } from '../../shared/aws/claim-verdicts';
import {
  makeDocumentClient,
  makeDynamoDbClient,
  makeEc2ReadClient,
  makeEc2WriteClient,
  makeEventBridgeClient,
  networkClients,
} from '../../shared/aws/clients';
import { makeEnis } from '../../shared/aws/enis';
import { makeEventPublisher } from '../../shared/aws/event-bus';
import { makeIdempotentFunction } from '../../shared/aws/idempotency';
import { makeRouteTables, makeVpcs } from '../../shared/aws/route-tables';
import { makeTgwRoutesByTable } from '../../shared/aws/transit-gateway';
import { makeVipRecordStore } from '../../shared/aws/vip-records';
import { intEnv, requireEnv } from '../../shared/config/env';
import { loadConfigFromEnv } from '../../shared/config/load';
import { networkOfTgwTable } from '../../shared/config/lookup';
import type { RoutekeeperConfig } from '../../shared/config/schema';
import { runUntil, stopBeforeTimeout } from '../../shared/core/stop';
import type { SwitchCommand } from '../../shared/domain/switch/command';
import type { SwitchOutcome } from '../../shared/domain/switch/outcomes';
import {
  type ReadRound,
  startReadRound,
  switchRoute,
} from '../../shared/domain/switch/switch-route';
import { capture, logger } from '../../shared/telemetry';

/** Longest in-progress idempotency lock: below Lambda's first async retry (60 s). */
const LOCK_CAP_MS = 55_000;

export interface RouteSwitchDeps {
  readonly config: RoutekeeperConfig;
  /**
   * switchRoute (which also publishes the result), made idempotent on the request's idempotency key
   * (validated on node and ENI); a failover's outcome is also left for the claimant (`verdict#…`).
   */
  readonly switchOnce: (command: SwitchCommand) => Promise<SwitchOutcome>;
  readonly registerContext: (context: Context) => void;
}

/** Composition root: read the environment once, build clients and adapters once per container. */
export const buildDeps = (env: NodeJS.ProcessEnv = process.env): RouteSwitchDeps => {
  const config = loadConfigFromEnv(env);
  const clients = { endpoint: env.AWS_ENDPOINT_URL, capture };
  const stopMarginMs = intEnv('STOP_BEFORE_TIMEOUT_MS', 2_000, env);
  let stop = new AbortController().signal;
  const dynamodb = makeDynamoDbClient(clients);
  const ec2Read = makeEc2ReadClient(clients);
  const ec2Write = makeEc2WriteClient(clients);
  const now = () => new Date();
  const stateTable = requireEnv('STATE_TABLE', env);
  const writeVerdict = makeVerdictWriter(makeDocumentClient(dynamodb), stateTable);
  // The claimant's node may read this answer while LifeKeeper waits (claim-verdicts.ts); losing it only
  // costs the node the reason in its log, never the switch.
  const recordVerdict = async (command: SwitchCommand, outcome: SwitchOutcome) => {
    if (command.reason !== 'failover') return;
    const { cluster, vip, node, orderToken, idempotencyKey } = command;
    try {
      await writeVerdict(
        {
          cluster,
          vip,
          node,
          orderToken,
          idempotencyKey,
          outcome: outcome.kind,
          ...(outcome.owner === undefined ? {} : { owner: outcome.owner }),
          ...(outcome.refusal === undefined ? {} : { refusal: outcome.refusal }),
          ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
        },
        now(),
      );
    } catch (error) {
      logger.warn('claim verdict not recorded', { error });
    }
  };
  // A Transit Gateway of a network account is read and written as that account's role (config `network`).
  const network = networkClients({ ec2Read, ec2Write }, 'routekeeper-routeSwitch', clients);
  const switchDeps = {
    config,
    bus: makeEventPublisher(makeEventBridgeClient(clients), requireEnv('EVENT_BUS_NAME', env)),
    state: makeVipRecordStore(makeDocumentClient(dynamodb), stateTable),
    routes: makeRouteTables(ec2Read, ec2Write),
    // Read on every switch, never cached: the CIDR blocks decide whether a write is safe at all.
    vpcs: makeVpcs(ec2Read),
    enis: makeEnis(ec2Read),
    tgw: makeTgwRoutesByTable((routeTableId) => {
      const side = network(networkOfTgwTable(config, routeTableId));
      return { read: side.ec2Read, write: side.ec2Write };
    }),
    now,
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    settings: {
      verifyBudgetMs: intEnv('VERIFY_BUDGET_MS', 10_000, env),
      writeConcurrency: intEnv('WRITE_CONCURRENCY', 20, env),
      maxRounds: 3,
    },
  };
  // The read round of each command, started before the idempotency lock is taken (keyed by the very
  // object Powertools hands back to the function).
  const readRounds = new WeakMap<SwitchCommand, ReadRound>();
  const idempotent = makeIdempotentFunction(
    (command: SwitchCommand) => switchRoute(command, switchDeps, readRounds.get(command)),
    dynamodb,
    {
      tableName: requireEnv('IDEMPOTENCY_TABLE', env),
      keyPath: 'idempotencyKey',
      validationPath: '[node, eni]',
      expiresAfterSeconds: intEnv('IDEMPOTENCY_TTL_SECONDS', 3600, env),
    },
  );
  return {
    config,
    // Stops (retryable, so Lambda retries the event) before the function's timeout; in-flight calls are aborted.
    // The reads run while the lock is taken: off the critical path. A redelivery answered from the store
    // discards them (reads change nothing).
    switchOnce: (command) =>
      runUntil(stop, async () => {
        const own = { ...command };
        const reads = startReadRound(own, switchDeps);
        if (reads !== undefined) readRounds.set(own, reads);
        const outcome = await idempotent.run(own);
        await recordVerdict(command, outcome);
        return outcome;
      }),
    // The in-progress lock lives at most until Lambda's first async retry (60 s later): a lock left by a
    // crashed or timed-out attempt must not outlive the retries and send the event to the DLQ. A switch
    // still running after that is safe to run twice: the fence and diff-based writes make it idempotent.
    registerContext: (context) => {
      stop = stopBeforeTimeout(context.getRemainingTimeInMillis(), stopMarginMs);
      idempotent.config.registerLambdaContext({
        ...context,
        getRemainingTimeInMillis: () => Math.min(context.getRemainingTimeInMillis(), LOCK_CAP_MS),
      });
    },
  };
};
