import type { ClusterConfig, VipConfig } from '../../config/schema';
import { vipDestination } from '../../core/ip';
import type { VipRecord } from '../switch/ports';
import type { Read, RouteFacts, RouteTableFacts, Snapshot, StateFacts } from './snapshot';

/** What every check of one cluster sees: the configuration, the snapshot, the records, the time. */
export interface ClusterContext {
  readonly cluster: ClusterConfig;
  readonly snapshot: Snapshot;
  readonly state: StateFacts;
  readonly now: Date;
}

export const nodeOfEni = (cluster: ClusterConfig, eniId: string) =>
  cluster.nodes.find((node) => node.eniId === eniId);

/** `eni-… (node2)` when the ENI is a node's, else the bare id. */
export const labelEni = (cluster: ClusterConfig, eniId: string): string => {
  const node = nodeOfEni(cluster, eniId);
  return node === undefined ? eniId : `${eniId} (${node.name})`;
};

export const describeRoute = (route: RouteFacts): string =>
  `${route.destination} → ${route.targetId}${route.state === 'active' ? '' : ` (${route.state})`}`;

export const vipRouteOf = (table: RouteTableFacts, vip: string): RouteFacts | undefined =>
  table.routes.find((route) => route.destination === vipDestination(vip));

/** The tables of the cluster VPC, from the read of every table of the cluster VPCs. */
export const clusterTables = (ctx: ClusterContext): Read<RouteTableFacts[]> =>
  ctx.snapshot.routeTables.ok
    ? {
        ok: true,
        value: ctx.snapshot.routeTables.value.filter((t) => t.vpcId === ctx.cluster.vpcId),
      }
    : ctx.snapshot.routeTables;

export interface ManagedTables {
  readonly tables: readonly RouteTableFacts[];
  /** Listed tables that are not route tables of the cluster VPC. */
  readonly outsideVpc: readonly string[];
}

/** Managed = the listed tables of the cluster VPC, plus (discoverRouteTables) those carrying the VIP route. */
export const managedTables = (
  vip: VipConfig,
  tablesOfVpc: readonly RouteTableFacts[],
): ManagedTables => {
  const listed = new Set(vip.routeTables);
  const tables = tablesOfVpc
    .filter(
      (t) =>
        listed.has(t.id) || (vip.discoverRouteTables && vipRouteOf(t, vip.address) !== undefined),
    )
    .sort((a, b) => a.id.localeCompare(b.id));
  const found = new Set(tables.map((t) => t.id));
  return { tables, outsideVpc: vip.routeTables.filter((id) => !found.has(id)) };
};

/** The fence record of a VIP: undefined when none exists yet (owner unknown). */
export const recordOf = (ctx: ClusterContext, vip: string): Read<VipRecord | undefined> =>
  ctx.state.records.ok
    ? {
        ok: true,
        value: ctx.state.records.value.find((r) => r.cluster === ctx.cluster.name && r.vip === vip),
      }
    : ctx.state.records;

/** The target the VIP's managed tables show, as one comparable string (flapping history). */
export const observedTarget = (tables: readonly RouteTableFacts[], vip: string): string => {
  const targets = tables.map((t) => {
    const route = vipRouteOf(t, vip);
    return route === undefined ? 'none' : route.targetId;
  });
  return [...new Set(targets)].sort().join(',') || 'none';
};

export const plural = (count: number, word: string): string =>
  `${count} ${word}${count === 1 ? '' : 's'}`;
