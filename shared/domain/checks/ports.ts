import type { VipRecord } from '../switch/ports';

/* What the checks read besides the live AWS state: liveness, the VIP records and the observed targets. */

/** What the heartbeat function records per node: item `<cluster>#<node>` of the liveness table (LIVENESS_TABLE). */
export interface NodeLiveness {
  readonly node: string;
  /** When routekeeper last accepted a heartbeat of the node (ISO 8601). */
  readonly lastSeen: string;
  /** Receive time minus the node's signed time of that heartbeat, in milliseconds. */
  readonly clockSkewMs: number;
}

export interface Liveness {
  /** The liveness records of the named nodes of a cluster; a node that never sent a heartbeat is absent. */
  read(cluster: string, nodes: readonly string[]): Promise<NodeLiveness[]>;
}

/** Many fence records at once (drift and doctor read every VIP of a stage in one go). */
export interface VipRecordReader {
  readMany(keys: readonly { cluster: string; vip: string }[]): Promise<VipRecord[]>;
}

/**
 * The VIP targets the drift check observed: `observed#<cluster>#<vip>` in the state table. `target` is
 * the last observed target (ENI ids of the managed tables, sorted and joined), `changes` the times it
 * was seen to change, pruned to the flapping window.
 */
export interface TargetHistory {
  readonly cluster: string;
  readonly vip: string;
  readonly target: string;
  readonly changes: readonly string[];
  readonly updatedAt: string;
}

export interface TargetHistoryStore {
  readMany(keys: readonly { cluster: string; vip: string }[]): Promise<TargetHistory[]>;
  /** Conditional on the item being unchanged since `previous` was read; false when another run won. */
  write(history: TargetHistory, previous: TargetHistory | undefined): Promise<boolean>;
}

/**
 * Maintenance mode (`routekeeper pause`): for a whole cluster (no `vip`) or one VIP. While paused, drift
 * reports but never repairs; LifeKeeper claims are still applied.
 */
export interface Pause {
  readonly cluster: string;
  readonly vip?: string;
  /** The caller identity's ARN of who paused it. */
  readonly by: string;
  /** When (ISO 8601). */
  readonly at: string;
  readonly reason: string;
}

export interface MaintenanceStore {
  /** The pauses of the clusters and of their VIPs. */
  readMany(keys: readonly { cluster: string; vips: readonly string[] }[]): Promise<Pause[]>;
  pause(pause: Pause): Promise<void>;
  /** Lift the pause of a VIP, or of a cluster and every VIP named with it. */
  resume(cluster: string, vips: readonly string[], wholeCluster: boolean): Promise<void>;
}

/** The pause that applies to a VIP: its own, else its cluster's. */
export const pauseOf = (
  pauses: readonly Pause[],
  cluster: string,
  vip?: string,
): Pause | undefined =>
  pauses.find((p) => p.cluster === cluster && vip !== undefined && p.vip === vip) ??
  pauses.find((p) => p.cluster === cluster && p.vip === undefined);
