import type { DriftRun } from '../../shared/domain/checks/drift';
import { type Summary, summarise } from '../../shared/domain/checks/types';
import type { LogLine, MetricPoint, Telemetry } from '../../shared/telemetry';

export interface DriftSummary extends Summary {
  readonly repairs: number;
}

const count = (name: string, value: number): MetricPoint => ({ name, unit: 'Count', value });

/**
 * The drift run as log lines (one per finding, skipped or requested repair, and a summary) and CloudWatch
 * metrics (namespace Routekeeper, dimension service=routekeeper):
 * - DriftCheckRan (1 per run), DriftFindings (failing results), DriftCheckFailed (unknown results),
 *   RepairRequested, DriftPublishFailed, HeartbeatOverdue (VIP owners without a recent heartbeat) and
 *   ClockSkewExceeded (nodes beyond their cluster's skew limit): the alarms' inputs, emitted every run
 *   (0 included) without further dimensions, so a missing datapoint means a missing run;
 * - one metric per finding type (e.g. VipRouteWrongTarget) with Cluster and Vip dimensions
 *   (Vip=all for findings about the whole cluster);
 * - OwnerHeartbeatAgeSeconds and NodeClockSkewMs with a Cluster dimension (dashboard).
 */
export const driftTelemetry = (run: DriftRun): Telemetry & { summary: DriftSummary } => {
  const results = run.reports.flatMap((r) => r.results);
  const failing = (codes: string[]) =>
    results.filter((r) => r.outcome === 'fail' && codes.includes(r.code)).length;
  const perFinding = new Map<
    string,
    { code: string; cluster: string; vip: string; count: number }
  >();
  for (const r of results.filter((result) => result.outcome !== 'pass')) {
    const vip = r.vip ?? 'all';
    const key = `${r.code}|${r.cluster}|${vip}`;
    const entry = perFinding.get(key) ?? { code: r.code, cluster: r.cluster, vip, count: 0 };
    perFinding.set(key, { ...entry, count: entry.count + 1 });
  }
  const metrics: MetricPoint[] = [
    count('DriftCheckRan', 1),
    count('DriftFindings', results.filter((r) => r.outcome === 'fail').length),
    count('DriftCheckFailed', results.filter((r) => r.outcome === 'unknown').length),
    count('RepairRequested', run.repairs.length),
    count('DriftPublishFailed', run.publishFailures.length),
    count('HeartbeatOverdue', failing(['HeartbeatMissing', 'HeartbeatStale'])),
    count('ClockSkewExceeded', failing(['ClockSkew'])),
    ...[...perFinding.values()].map(
      ({ code, cluster, vip, count: n }): MetricPoint => ({
        name: code,
        unit: 'Count',
        value: n,
        dimensions: { Cluster: cluster, Vip: vip },
      }),
    ),
    ...run.reports.flatMap((report): MetricPoint[] => {
      const { ownerHeartbeatAgeSeconds, maxClockSkewMs } = report.measures;
      const dimensions = { Cluster: report.cluster };
      return [
        ...(ownerHeartbeatAgeSeconds === undefined
          ? []
          : [
              {
                name: 'OwnerHeartbeatAgeSeconds',
                unit: 'Seconds',
                value: ownerHeartbeatAgeSeconds,
                dimensions,
              } as const,
            ]),
        ...(maxClockSkewMs === undefined
          ? []
          : [
              {
                name: 'NodeClockSkewMs',
                unit: 'Milliseconds',
                value: maxClockSkewMs,
                dimensions,
              } as const,
            ]),
      ];
    }),
  ];
  const summary = { ...summarise(results), repairs: run.repairs.length };
  const lines: LogLine[] = [
    ...results
      .filter((r) => r.outcome !== 'pass')
      .map(
        (finding): LogLine => ({
          level: 'warn',
          message: `drift ${finding.outcome}${finding.paused ? ' (paused)' : ''}: ${finding.check} ${finding.code}`,
          fields: { finding },
        }),
      ),
    ...run.repairsSkipped.map(
      (skipped): LogLine => ({ level: 'info', message: 'repair skipped', fields: { skipped } }),
    ),
    ...run.repairs.map(
      (repair): LogLine => ({ level: 'info', message: 'repair requested', fields: { repair } }),
    ),
    ...(run.historyFailures.length > 0
      ? [
          {
            level: 'warn',
            message: 'observed targets not recorded',
            fields: { failures: run.historyFailures },
          } as const,
        ]
      : []),
    { level: 'info', message: 'drift run finished', fields: { summary } },
  ];
  return { lines, metrics, summary };
};
