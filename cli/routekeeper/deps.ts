import {
  type ClientOptions,
  makeDirectConnectClient,
  makeDocumentClient,
  makeDynamoDbClient,
  makeEc2ReadClient,
  makeEc2WriteClient,
  makeEventBridgeClient,
  networkClients,
} from '../../shared/aws/clients';

export { missingCredentials } from '../../shared/aws/credentials';

import { makeEnis } from '../../shared/aws/enis';
import { makeEventPublisher } from '../../shared/aws/event-bus';
import { makeMaintenanceStore } from '../../shared/aws/maintenance';
import { makeProbeRoutes } from '../../shared/aws/permission-probes';
import { makeRouteTables, makeVpcs } from '../../shared/aws/route-tables';
import { readSnapshot } from '../../shared/aws/snapshot';
import {
  makeLiveness,
  makeTargetHistoryStore,
  makeVipRecordReader,
} from '../../shared/aws/state-records';
import { makeTransitGatewayRoutes } from '../../shared/aws/transit-gateway';
import { makeVipRecordStore } from '../../shared/aws/vip-records';
import { networkOfTgwTable } from '../../shared/config/lookup';
import type { RoutekeeperConfig } from '../../shared/config/schema';
import type { DoctorDeps } from '../../shared/domain/checks/doctor';
import type { SwitchDeps } from '../../shared/domain/switch/ports';
import { OPERATOR_SOURCE } from '../../shared/events/routekeeper-source';

export interface DoctorOptions {
  readonly config: RoutekeeperConfig;
  readonly stateTable: string;
  readonly livenessTable: string;
  readonly probes: boolean;
  readonly progress: (message: string) => void;
}

/** Composition root of `routekeeper doctor`: clients in the configuration's region, read-only adapters. */
export const buildDoctorDeps = (options: DoctorOptions): DoctorDeps => {
  const clients = { region: options.config.clusters[0]?.region };
  const ec2 = makeEc2ReadClient(clients);
  const directConnect = makeDirectConnectClient(clients);
  const documents = makeDocumentClient(makeDynamoDbClient(clients));
  // A cluster's Transit Gateway and DX gateway in a network account are read as its role (config `network`).
  const network = networkClients(
    { ec2Read: ec2, ec2Write: ec2, directConnect },
    'routekeeper-doctor',
    clients,
    makeDirectConnectClient,
  );
  return {
    config: options.config,
    readAccount: (clusters) =>
      readSnapshot({ ec2, directConnect, network }, clusters, options.progress),
    records: makeVipRecordReader(documents, options.stateTable),
    liveness: makeLiveness(documents, options.livenessTable),
    history: makeTargetHistoryStore(documents, options.stateTable),
    maintenance: makeMaintenanceStore(documents, options.stateTable),
    ...(options.probes
      ? {
          probe: (plans) => {
            options.progress(`probing ${plans.length} route writes with DryRun`);
            return makeProbeRoutes(
              ec2,
              (routeTableId) => network(networkOfTgwTable(options.config, routeTableId)).ec2Read,
            )(plans);
          },
        }
      : {}),
    now: () => new Date(),
  };
};

/**
 * Composition root of `routekeeper switch`: the adapters routeSwitch uses (functions/route-switch/deps.ts),
 * built on the operator's own credentials, so IAM alone decides what the operator may do. The result event
 * goes out under OPERATOR_SOURCE. No idempotency store: each run is a new claim with its own key.
 */
export const buildSwitchDeps = (options: {
  readonly config: RoutekeeperConfig;
  readonly clients: ClientOptions;
  readonly stateTable: string;
  readonly busName: string;
}): SwitchDeps => {
  const ec2Read = makeEc2ReadClient(options.clients);
  const ec2Write = makeEc2WriteClient(options.clients);
  return {
    config: options.config,
    state: makeVipRecordStore(
      makeDocumentClient(makeDynamoDbClient(options.clients)),
      options.stateTable,
    ),
    bus: makeEventPublisher(
      makeEventBridgeClient(options.clients),
      options.busName,
      OPERATOR_SOURCE,
    ),
    routes: makeRouteTables(ec2Read, ec2Write),
    vpcs: makeVpcs(ec2Read),
    enis: makeEnis(ec2Read),
    tgw: makeTransitGatewayRoutes(ec2Read, ec2Write),
    now: () => new Date(),
    sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    settings: { verifyBudgetMs: 10_000, writeConcurrency: 10, maxRounds: 3 },
  };
};
