import type { ClusterConfig, RoutekeeperConfig } from '../../config/schema';
import type { ClusterContext } from './context';
import { checkMaintenance, markPaused } from './maintenance';
import {
  checkFlapping,
  checkLiveness,
  checkPermissions,
  type LivenessMeasures,
  measureLiveness,
} from './routekeeper-health';
import type { PermissionProbe, Read, Snapshot, StateFacts } from './snapshot';
import {
  checkNodeEnis,
  checkNodesMultiAz,
  checkSourceDestCheck,
  checkVipOutsideVpc,
  checkVpc,
} from './topology';
import { checkDirectConnect, checkTgwVipRoutes, checkTransitGateway } from './transit-gateway';
import { type CheckResult, STAGES } from './types';
import { checkConflicts, checkOnPremisesRoutes, checkVipRoutes } from './vpc-routes';

export interface ClusterReport {
  readonly cluster: string;
  readonly results: readonly CheckResult[];
  readonly measures: LivenessMeasures;
}

export interface CheckInputs {
  readonly snapshot: Snapshot;
  readonly state: StateFacts;
  /** DryRun permission probes: doctor only. */
  readonly probes?: Read<readonly PermissionProbe[]>;
  readonly now: Date;
}

const CHECKS_IN_ORDER = [
  checkOnPremisesRoutes,
  checkDirectConnect,
  checkTransitGateway,
  checkTgwVipRoutes,
  checkVpc,
  checkVipOutsideVpc,
  checkVipRoutes,
  checkConflicts,
  checkFlapping,
  checkNodesMultiAz,
  checkNodeEnis,
  checkSourceDestCheck,
  checkLiveness,
  checkMaintenance,
];

const stageRank = (result: CheckResult) => STAGES.indexOf(result.stage);

/** Run every check for every cluster on one snapshot; results ordered along the traffic path. */
export const runChecks = (
  clusters: readonly ClusterConfig[],
  inputs: CheckInputs,
): ClusterReport[] =>
  clusters.map((cluster) => {
    const ctx: ClusterContext = {
      cluster,
      snapshot: inputs.snapshot,
      state: inputs.state,
      now: inputs.now,
    };
    const results = markPaused(
      [...CHECKS_IN_ORDER.flatMap((check) => check(ctx)), ...checkPermissions(ctx, inputs.probes)],
      inputs.state.pauses.ok ? inputs.state.pauses.value : [],
      cluster.name,
    );
    // Stable sort: within a stage, checks keep the order above.
    return {
      cluster: cluster.name,
      results: results.sort((a, b) => stageRank(a) - stageRank(b)),
      measures: measureLiveness(ctx),
    };
  });

/** The clusters a run looks at: all, or the one named. */
export const selectClusters = (config: RoutekeeperConfig, name?: string): ClusterConfig[] =>
  name === undefined ? config.clusters : config.clusters.filter((c) => c.name === name);
