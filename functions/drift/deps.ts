import {
  type CheckClients,
  makeDirectConnectClient,
  makeDocumentClient,
  makeDynamoDbClient,
  makeEc2ReadClient,
  makeEventBridgeClient,
  networkClients,
} from '../../shared/aws/clients';
import { makeEventPublisher } from '../../shared/aws/event-bus';
import { makeMaintenanceStore } from '../../shared/aws/maintenance';
import { readSnapshot } from '../../shared/aws/snapshot';
import {
  makeLiveness,
  makeTargetHistoryStore,
  makeVipRecordReader,
} from '../../shared/aws/state-records';
import { intEnv, requireEnv } from '../../shared/config/env';
import { loadConfigFromEnv } from '../../shared/config/load';
import { runUntil, stopBeforeTimeout } from '../../shared/core/stop';
import { type DriftRun, runDrift } from '../../shared/domain/checks/drift';
import { capture } from '../../shared/telemetry';

export interface DriftFunctionDeps {
  /** With the invocation's remaining time, the run stops (retryable error) shortly before it runs out. */
  readonly checkAndRepair: (remainingMs?: number) => Promise<DriftRun>;
}

/**
 * Composition root: read the environment once, build clients and adapters once per container.
 * Tests pass instrumented clients in `given`.
 */
export const buildDeps = (
  env: NodeJS.ProcessEnv = process.env,
  given: Partial<CheckClients> = {},
): DriftFunctionDeps => {
  const config = loadConfigFromEnv(env);
  const table = requireEnv('STATE_TABLE', env);
  const busName = requireEnv('EVENT_BUS_NAME', env);
  const clients = { endpoint: env.AWS_ENDPOINT_URL, capture };
  const ec2 = given.ec2 ?? makeEc2ReadClient(clients);
  const directConnect = given.directConnect ?? makeDirectConnectClient(clients);
  const documents = makeDocumentClient(given.dynamodb ?? makeDynamoDbClient(clients));
  // A cluster's Transit Gateway and DX gateway in a network account are read as its role (config `network`).
  const network = networkClients(
    { ec2Read: ec2, ec2Write: ec2, directConnect },
    'routekeeper-drift',
    clients,
    makeDirectConnectClient,
  );
  const deps = {
    config,
    readAccount: (clusters: Parameters<typeof readSnapshot>[1]) =>
      readSnapshot({ ec2, directConnect, network }, clusters),
    records: makeVipRecordReader(documents, table),
    liveness: makeLiveness(documents, requireEnv('LIVENESS_TABLE', env)),
    history: makeTargetHistoryStore(documents, table),
    maintenance: makeMaintenanceStore(documents, table),
    bus: makeEventPublisher(given.events ?? makeEventBridgeClient(clients), busName),
    now: () => new Date(),
  };
  const stopMarginMs = intEnv('STOP_BEFORE_TIMEOUT_MS', 2_000, env);
  return {
    checkAndRepair: (remainingMs) =>
      remainingMs === undefined
        ? runDrift(deps)
        : runUntil(stopBeforeTimeout(remainingMs, stopMarginMs), () => runDrift(deps)),
  };
};
