import type { ClusterConfig } from '../../shared/config/schema';
import type { DoctorReport } from '../../shared/domain/checks/doctor';
import type { ClusterReport } from '../../shared/domain/checks/run';
import {
  CHECKS,
  type CheckOutcome,
  type CheckResult,
  STAGES,
  type Stage,
  type Summary,
  summarise,
} from '../../shared/domain/checks/types';

const MARK: Record<CheckOutcome, string> = { pass: '✓', fail: '✗', unknown: '?' };

const STAGE_TITLE: Record<Stage, string> = {
  'on-premises': 'On-premises',
  'direct-connect': 'Direct Connect',
  'transit-gateway': 'Transit Gateway',
  vpc: 'VPC',
  nodes: 'Nodes',
  routekeeper: 'routekeeper',
};

/** Why a stage shows no result at all. */
const emptyStage = (stage: Stage, cluster: ClusterConfig, probes: boolean): string => {
  if (stage === 'direct-connect') return 'not checked: no directConnectGatewayId configured';
  if (stage === 'routekeeper' && !probes) return 'not checked: permission probes off (--no-probes)';
  return `nothing to check for ${cluster.name}`;
};

const line = (result: CheckResult): string[] => {
  const where = [result.vip, result.subject].filter(Boolean).join(' ');
  const head = `  ${MARK[result.outcome]} ${CHECKS[result.check].title}${where ? ` [${where}]` : ''}`;
  if (result.outcome === 'pass') return [head, `      ${result.evidence}`];
  return [
    head,
    `      ${result.outcome === 'fail' ? 'FAIL' : 'UNKNOWN'} ${result.check} ${result.code}: ${result.evidence}`,
    `      fix: ${result.fix ?? ''}`,
  ];
};

const count = (summary: Summary) =>
  `${summary.pass} passed, ${summary.fail} failed, ${summary.unknown} unknown`;

/** The readable report: per cluster, grouped along the traffic path, ✓ / ✗ / ? with evidence and fix. */
export const formatText = (
  report: DoctorReport,
  clusters: readonly ClusterConfig[],
  probes: boolean,
): string => {
  const out: string[] = [`routekeeper doctor — ${report.checkedAt}`];
  for (const cluster of report.reports) {
    const config = clusters.find((c) => c.name === cluster.cluster) as ClusterConfig;
    out.push(
      '',
      `Cluster ${config.name} (${config.region}, ${config.vpcId}, ${config.driftMode} mode)`,
      'on-premises → Direct Connect → Transit Gateway → VPC → nodes',
    );
    for (const stage of STAGES) {
      out.push('', STAGE_TITLE[stage]);
      const results = cluster.results.filter((r) => r.stage === stage);
      if (results.length === 0) out.push(`  - ${emptyStage(stage, config, probes)}`);
      for (const result of results) out.push(...line(result));
    }
    out.push('', `${cluster.cluster}: ${count(summarise(cluster.results))}`);
  }
  const all = summarise(report.reports.flatMap((r) => r.results));
  out.push('', `Summary: ${count(all)}`);
  return `${out.join('\n')}\n`;
};

/** The `--json` document (version 1, see docs/operations.md). */
export const toJson = (report: DoctorReport, exitCode: number) => ({
  version: 1,
  checkedAt: report.checkedAt,
  exitCode,
  summary: summarise(report.reports.flatMap((r) => r.results)),
  clusters: report.reports.map((cluster: ClusterReport) => ({
    cluster: cluster.cluster,
    summary: summarise(cluster.results),
    results: cluster.results.map((result) => ({
      ...result,
      title: CHECKS[result.check].title,
    })),
  })),
});
