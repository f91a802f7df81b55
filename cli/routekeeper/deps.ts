import {
  makeDirectConnectClient,
  makeDocumentClient,
  makeDynamoDbClient,
  makeEc2ReadClient,
} from '../../shared/aws/clients';
import { makeMaintenanceStore } from '../../shared/aws/maintenance';
import { makeProbeRoutes } from '../../shared/aws/permission-probes';
import { readSnapshot } from '../../shared/aws/snapshot';
import {
  makeLiveness,
  makeTargetHistoryStore,
  makeVipRecordReader,
} from '../../shared/aws/state-records';
import type { RoutekeeperConfig } from '../../shared/config/schema';
import type { DoctorDeps } from '../../shared/domain/checks/doctor';

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
  return {
    config: options.config,
    readAccount: (clusters) => readSnapshot({ ec2, directConnect }, clusters, options.progress),
    records: makeVipRecordReader(documents, options.stateTable),
    liveness: makeLiveness(documents, options.livenessTable),
    history: makeTargetHistoryStore(documents, options.stateTable),
    maintenance: makeMaintenanceStore(documents, options.stateTable),
    ...(options.probes
      ? {
          probe: (plans) => {
            options.progress(`probing ${plans.length} route writes with DryRun`);
            return makeProbeRoutes(ec2)(plans);
          },
        }
      : {}),
    now: () => new Date(),
  };
};
