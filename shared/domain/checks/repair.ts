import { findNode } from '../../config/lookup';
import type { ClusterConfig } from '../../config/schema';
import type { RouteSwitchRequested } from '../../events/route-switch-requested';
import type { VipRecord } from '../switch/ports';
import { describePause } from './maintenance';
import { type Pause, pauseOf } from './ports';
import type { Read } from './snapshot';
import type { CheckResult } from './types';

/** Findings that re-asserting the recorded owner through routeSwitch fixes. Conflicts never are. */
const REPAIRABLE = new Set([
  'VipRouteWrongTarget',
  'VipRouteBlackhole',
  'VipRouteForeignTarget',
  'TgwRouteMissing',
  'TgwRoutePropagatedOnly',
  'TgwRouteBlackhole',
  'TgwRouteWrongAttachment',
]);

export interface RepairPlan {
  readonly requests: RouteSwitchRequested[];
  readonly skipped: { vip: string; reason: string }[];
}

/**
 * Repair = a `Route Switch Requested` (reason `repair`) that re-asserts the recorded owner with the
 * record's own order token, so routeSwitch's fence accepts it as a replay of the winning claim and
 * nothing else: a newer claim always wins over a repair. Never without a record (owner unknown), never
 * within the grace window after the record changed (EC2 is eventually consistent), never in report mode.
 * Never while the cluster or the VIP is paused (`routekeeper pause`), nor when the pauses cannot be read.
 * The idempotency key carries the run time: a later repair of the same claim is a new effect.
 */
export const planRepairs = (
  cluster: ClusterConfig,
  results: readonly CheckResult[],
  records: readonly VipRecord[],
  pauses: Read<readonly Pause[]>,
  now: Date,
): RepairPlan => {
  const plan: RepairPlan = { requests: [], skipped: [] };
  if (cluster.driftMode !== 'repair') return plan;
  const vips = new Set(
    results
      .filter(
        (r) =>
          r.outcome === 'fail' &&
          r.vip !== undefined &&
          (REPAIRABLE.has(r.code) ||
            (r.code === 'VipRouteMissing' &&
              cluster.vips.find((v) => v.address === r.vip)?.createMissingRoute === true)),
      )
      .map((r) => r.vip as string),
  );
  for (const vip of [...vips].sort()) {
    if (!pauses.ok) {
      plan.skipped.push({ vip, reason: `PauseUnknown: pause records unreadable: ${pauses.error}` });
      continue;
    }
    const pause = pauseOf(pauses.value, cluster.name, vip);
    if (pause !== undefined) {
      plan.skipped.push({ vip, reason: `Paused: ${describePause(pause)}` });
      continue;
    }
    const record = records.find((r) => r.cluster === cluster.name && r.vip === vip);
    if (record === undefined) {
      plan.skipped.push({ vip, reason: 'OwnerUnknown: no claim recorded for this VIP' });
      continue;
    }
    if (findNode(cluster, record.owner) === undefined) {
      plan.skipped.push({ vip, reason: `OwnerNotConfigured: ${record.owner}` });
      continue;
    }
    const sinceChange = now.getTime() - Date.parse(record.updatedAt);
    if (!(sinceChange >= cluster.thresholds.repairGraceSeconds * 1000)) {
      plan.skipped.push({
        vip,
        reason: `GraceWindow: record changed ${Math.round(sinceChange / 1000)} s ago (grace ${cluster.thresholds.repairGraceSeconds} s)`,
      });
      continue;
    }
    plan.requests.push({
      version: '1',
      cluster: cluster.name,
      vip,
      node: record.owner,
      orderToken: record.orderToken,
      idempotencyKey: `repair#${cluster.name}#${vip}#${record.owner}#${record.orderToken}#${now.getTime()}`,
      reason: 'repair',
      requestedAt: now.toISOString(),
    });
  }
  return plan;
};
