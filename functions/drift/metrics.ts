import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DriftRun } from '../../shared/domain/drift';

/**
 * The drift run as CloudWatch metrics (namespace Routekeeper, dimension service=routekeeper):
 * - DriftCheckRan (1 per run), DriftFindings (failing results), DriftCheckFailed (unknown results),
 *   RepairRequested, DriftPublishFailed, HeartbeatOverdue (VIP owners without a recent heartbeat) and
 *   ClockSkewExceeded (nodes beyond their cluster's skew limit): the alarms' inputs, emitted every run
 *   (0 included) without further dimensions, so a missing datapoint means a missing run;
 * - one metric per finding type (e.g. VipRouteWrongTarget) with Cluster and Vip dimensions
 *   (Vip=all for findings about the whole cluster);
 * - OwnerHeartbeatAgeSeconds and NodeClockSkewMs with a Cluster dimension (dashboard).
 */
export const recordDriftMetrics = (metrics: Metrics, run: DriftRun): void => {
  const results = run.reports.flatMap((r) => r.results);
  metrics.addMetric('DriftCheckRan', MetricUnit.Count, 1);
  metrics.addMetric(
    'DriftFindings',
    MetricUnit.Count,
    results.filter((r) => r.outcome === 'fail').length,
  );
  metrics.addMetric(
    'DriftCheckFailed',
    MetricUnit.Count,
    results.filter((r) => r.outcome === 'unknown').length,
  );
  metrics.addMetric('RepairRequested', MetricUnit.Count, run.repairs.length);
  metrics.addMetric('DriftPublishFailed', MetricUnit.Count, run.publishFailures.length);
  const failing = (codes: string[]) =>
    results.filter((r) => r.outcome === 'fail' && codes.includes(r.code)).length;
  metrics.addMetric(
    'HeartbeatOverdue',
    MetricUnit.Count,
    failing(['HeartbeatMissing', 'HeartbeatStale']),
  );
  metrics.addMetric('ClockSkewExceeded', MetricUnit.Count, failing(['ClockSkew']));

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
  for (const { code, cluster, vip, count } of perFinding.values()) {
    const single = metrics.singleMetric();
    single.addDimensions({ Cluster: cluster, Vip: vip });
    single.addMetric(code, MetricUnit.Count, count);
  }
  for (const report of run.reports) {
    const { ownerHeartbeatAgeSeconds, maxClockSkewMs } = report.measures;
    const single = metrics.singleMetric();
    single.addDimension('Cluster', report.cluster);
    if (ownerHeartbeatAgeSeconds !== undefined)
      single.addMetric('OwnerHeartbeatAgeSeconds', MetricUnit.Seconds, ownerHeartbeatAgeSeconds);
    if (maxClockSkewMs !== undefined)
      single.addMetric('NodeClockSkewMs', MetricUnit.Milliseconds, maxClockSkewMs);
  }
};
