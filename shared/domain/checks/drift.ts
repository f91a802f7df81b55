import type { ClusterConfig, RoutekeeperConfig } from '../../config/schema';
import type { Clock, EventPublisher } from '../../core/ports';
import {
  DETAIL_TYPE as DRIFT_DETECTED,
  MAX_FINDINGS,
  type RouteDriftDetected,
} from '../../events/route-drift-detected';
import { DETAIL_TYPE as SWITCH_REQUESTED } from '../../events/route-switch-requested';
import { clusterTables, managedTables, observedTarget } from './context';
import type { TargetHistory } from './ports';
import { planRepairs } from './repair';
import { nextHistory } from './routekeeper-health';
import { type ClusterReport, runChecks } from './run';
import { ok, type Snapshot, type StateFacts } from './snapshot';
import { readStateFacts, type StateReaders } from './state';
import { summarise } from './types';

/** Reads everything one run needs from the account (shared/aws/snapshot.ts). */
export type ReadAccount = (clusters: readonly ClusterConfig[]) => Promise<Snapshot>;

export interface DriftDeps extends StateReaders {
  readonly config: RoutekeeperConfig;
  readonly readAccount: ReadAccount;
  readonly bus: EventPublisher;
  readonly now: Clock;
}

export interface DriftRun {
  readonly checkedAt: string;
  readonly reports: readonly ClusterReport[];
  readonly repairs: readonly { cluster: string; vip: string; node: string }[];
  readonly repairsSkipped: readonly { cluster: string; vip: string; reason: string }[];
  /** Publishes the bus refused: the handler fails the invocation after recording metrics. */
  readonly publishFailures: readonly string[];
  readonly historyFailures: readonly string[];
}

/**
 * One drift run over every configured cluster.
 * Primary course:
 *  1. read the account snapshot and routekeeper's records (fence, liveness, target history) in parallel;
 *  2. record the VIP targets observed now (flapping history), then run the shared checks;
 *  3. per cluster in repair mode, re-assert recorded owners through routeSwitch (`Route Switch Requested`);
 *  4. per cluster with a failing or unknown result, publish `Route Drift Detected`.
 * Reads that fail become unknown results; publish failures are collected, not thrown, so metrics still flow.
 */
export const runDrift = async (deps: DriftDeps): Promise<DriftRun> => {
  const now = deps.now();
  const clusters = deps.config.clusters;
  const [snapshot, state] = await Promise.all([
    deps.readAccount(clusters),
    readStateFacts(deps, clusters),
  ]);
  const { state: recorded, failures: historyFailures } = await recordTargets(
    deps,
    clusters,
    snapshot,
    state,
    now,
  );
  const reports = runChecks(clusters, { snapshot, state: recorded, now });

  const publishFailures: string[] = [];
  const publish = async (detailType: string, detail: object) => {
    try {
      await deps.bus.publish(detailType, detail);
      return true;
    } catch (error) {
      publishFailures.push(`${detailType}: ${(error as Error).message}`);
      return false;
    }
  };
  const repairs: DriftRun['repairs'][number][] = [];
  const repairsSkipped: DriftRun['repairsSkipped'][number][] = [];
  for (const report of reports) {
    const cluster = clusters.find((c) => c.name === report.cluster) as ClusterConfig;
    const plan = planRepairs(
      cluster,
      report.results,
      state.records.ok ? state.records.value : [],
      state.pauses,
      now,
    );
    if (!state.records.ok && cluster.driftMode === 'repair') {
      plan.skipped.push({ vip: '*', reason: `RecordsUnreadable: ${state.records.error}` });
    }
    const published = [];
    for (const request of plan.requests) {
      if (await publish(SWITCH_REQUESTED, request)) published.push(request);
    }
    repairs.push(...published.map(({ cluster, vip, node }) => ({ cluster, vip, node })));
    repairsSkipped.push(...plan.skipped.map((s) => ({ cluster: cluster.name, ...s })));
    const findings = report.results.filter((r) => r.outcome !== 'pass');
    if (findings.length === 0) continue;
    const detail: RouteDriftDetected = {
      version: '1',
      cluster: cluster.name,
      mode: cluster.driftMode,
      checkedAt: now.toISOString(),
      summary: summarise(report.results),
      findings: findings.slice(0, MAX_FINDINGS).map(({ cluster: _c, ...finding }) => ({
        ...finding,
        outcome: finding.outcome as 'fail' | 'unknown',
        evidence: finding.evidence.slice(0, 1000),
      })),
      truncated: Math.max(0, findings.length - MAX_FINDINGS),
      repairs: published.map(({ vip, node, idempotencyKey }) => ({ vip, node, idempotencyKey })),
      repairsSkipped: plan.skipped,
    };
    await publish(DRIFT_DETECTED, detail);
  }
  return {
    checkedAt: now.toISOString(),
    reports,
    repairs,
    repairsSkipped,
    publishFailures,
    historyFailures,
  };
};

/**
 * Flapping needs a memory: compare each VIP's observed target with the last one recorded and record
 * changes. A write lost to a concurrent run is fine (that run recorded the same observation).
 */
const recordTargets = async (
  deps: DriftDeps,
  clusters: readonly ClusterConfig[],
  snapshot: Snapshot,
  state: StateFacts,
  now: Date,
): Promise<{ state: StateFacts; failures: string[] }> => {
  if (!state.history.ok) return { state, failures: [] };
  const known = state.history.value;
  const updated = new Map<string, TargetHistory>();
  const failures: string[] = [];
  const writes = clusters.flatMap((cluster) => {
    const tables = clusterTables({ cluster, snapshot, state, now });
    if (!tables.ok) return [];
    return cluster.vips.map(async (vip) => {
      const key = { cluster: cluster.name, vip: vip.address };
      const previous = known.find((h) => h.cluster === key.cluster && h.vip === key.vip);
      const observed = observedTarget(managedTables(vip, tables.value).tables, vip.address);
      const next = nextHistory(previous, key, observed, cluster.thresholds.flapWindowMinutes, now);
      if (next === undefined) return;
      try {
        if (await deps.history.write(next, previous))
          updated.set(`${key.cluster}#${key.vip}`, next);
      } catch (error) {
        failures.push(`${key.cluster}#${key.vip}: ${(error as Error).message}`);
      }
    });
  });
  await Promise.all(writes);
  const history = [
    ...known.filter((h) => !updated.has(`${h.cluster}#${h.vip}`)),
    ...updated.values(),
  ];
  return { state: { ...state, history: ok(history) }, failures };
};
