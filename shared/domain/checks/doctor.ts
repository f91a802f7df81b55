import type { ClusterConfig, RoutekeeperConfig } from '../../config/schema';
import { vipDestination } from '../../core/ip';
import type { Clock } from '../../core/ports';
import { clusterTables, managedTables, recordOf, vipRouteOf } from './context';
import type { ReadAccount } from './drift';
import { type ClusterReport, runChecks } from './run';
import type { PermissionProbe, Read, Snapshot, StateFacts } from './snapshot';
import { attemptRead, readStateFacts, type StateReaders } from './state';

/** One DryRun write to try: on a VPC route table with an ENI target, or on a TGW route table. */
export interface ProbePlan {
  readonly cluster: string;
  readonly vip: string;
  readonly action: PermissionProbe['action'];
  readonly resource: string;
  readonly destination: string;
  /** ENI (ReplaceRoute) or attachment (ReplaceTransitGatewayRoute). */
  readonly target: string;
}

export type ProbeRoutes = (plans: readonly ProbePlan[]) => Promise<PermissionProbe[]>;

export interface DoctorDeps extends StateReaders {
  readonly config: RoutekeeperConfig;
  readonly readAccount: ReadAccount;
  /** Absent: no permission probes (--no-probes). */
  readonly probe?: ProbeRoutes;
  readonly now: Clock;
}

export interface DoctorReport {
  readonly checkedAt: string;
  readonly reports: readonly ClusterReport[];
}

/**
 * One probe per managed table and per TGW route table of each VIP. The probe's target is the route's current ENI
 * when it has one, so that an endpoint that ignores DryRun (an emulator) is asked for a no-op write.
 */
export const planProbes = (
  clusters: readonly ClusterConfig[],
  snapshot: Snapshot,
  state: StateFacts,
  now: Date,
): ProbePlan[] => {
  const plans = new Map<string, ProbePlan>();
  for (const cluster of clusters) {
    const ctx = { cluster, snapshot, state, now };
    const tables = clusterTables(ctx);
    for (const vip of cluster.vips) {
      const destination = vipDestination(vip.address);
      const record = recordOf(ctx, vip.address);
      const fallback = (record.ok ? record.value?.eni : undefined) ?? cluster.nodes[0]?.eniId ?? '';
      for (const table of tables.ok ? managedTables(vip, tables.value).tables : []) {
        if (plans.has(table.id)) continue;
        const route = vipRouteOf(table, vip.address);
        const target = route?.targetKind === 'eni' ? route.targetId : fallback;
        plans.set(table.id, {
          cluster: cluster.name,
          vip: vip.address,
          action: 'ReplaceRoute',
          resource: table.id,
          destination,
          target,
        });
      }
      for (const tgw of vip.transitGatewayRoutes) {
        if (plans.has(`${tgw.routeTableId}${destination}`)) continue;
        plans.set(`${tgw.routeTableId}${destination}`, {
          cluster: cluster.name,
          vip: vip.address,
          action: 'ReplaceTransitGatewayRoute',
          resource: tgw.routeTableId,
          destination,
          target: tgw.attachmentId,
        });
      }
    }
  }
  return [...plans.values()];
};

/**
 * `routekeeper doctor`: the drift checks once, read-only (no history is recorded, nothing is repaired),
 * plus DryRun probes of the route writes.
 */
export const runDoctor = async (
  deps: DoctorDeps,
  clusters: readonly ClusterConfig[],
): Promise<DoctorReport> => {
  const now = deps.now();
  const [snapshot, state] = await Promise.all([
    deps.readAccount(clusters),
    readStateFacts(deps, clusters),
  ]);
  const probe = deps.probe;
  const probes: Read<readonly PermissionProbe[]> | undefined =
    probe === undefined
      ? undefined
      : await attemptRead(() => probe(planProbes(clusters, snapshot, state, now)));
  return {
    checkedAt: now.toISOString(),
    reports: runChecks(clusters, {
      snapshot,
      state,
      now,
      ...(probes === undefined ? {} : { probes }),
    }),
  };
};
