import { parseArgs } from 'node:util';
import {
  makeDocumentClient,
  makeDynamoDbClient,
  makeEc2ReadClient,
} from '../../shared/aws/clients';
import { readStatusFacts } from '../../shared/aws/status-reads';
import { describePause } from '../../shared/domain/checks/maintenance';
import { type Agreement, assessStatus, type StatusReport } from '../../shared/domain/checks/status';
import {
  CLUSTER_COMMAND_OPTIONS,
  CONFIG_HELP,
  type Command,
  configuredClusters,
  livenessTableName,
  runCommand,
  stateTableName,
  TABLES_HELP,
  TIMEOUT_HELP,
} from './common';

export const USAGE = `Usage: routekeeper status [options]

Per cluster and VIP: the recorded owner (node, ENI, since when, phase, last outcome, and who ran an
operator switch), each managed route table's actual target, the Transit Gateway route's target, each
node's last heartbeat and clock skew, the drift mode and the pause state. Read-only, and a fixed number
of AWS calls however many VIPs: one DescribeRouteTables, one SearchTransitGatewayRoutes per TGW route
table, one Scan each of the state and liveness tables.

Options:
${CONFIG_HELP}
  --cluster <name>      only this cluster
${TABLES_HELP}
  --liveness-table <name>  node liveness table (default: $LIVENESS_TABLE, else routekeeper-<stage>-liveness)
  --json                print the status as JSON on stdout (format: docs/operations.md)
${TIMEOUT_HELP}
  -h, --help            show this help

Exit codes: 0 every route agrees with the recorded owner, 1 something disagrees, 2 usage or configuration
error, 3 nothing disagrees but something could not be determined (e.g. no claim recorded yet, a read
failed, a TGW route whose target the API does not report), 4 not finished within --timeout.
`;

const parse = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    options: {
      ...CLUSTER_COMMAND_OPTIONS,
      'liveness-table': { type: 'string' },
    },
  }).values;

const MARK: Record<Agreement, string> = { agrees: '✓', disagrees: '✗', unknown: '?' };

export const EXIT_CODE: Record<Agreement, number> = { agrees: 0, disagrees: 1, unknown: 3 };

export const formatStatus = (report: StatusReport): string => {
  const out = [`routekeeper status — ${report.checkedAt}`];
  for (const cluster of report.clusters) {
    out.push(
      '',
      `${MARK[cluster.agreement]} Cluster ${cluster.cluster}: drift ${cluster.driftMode} mode, ${
        cluster.paused ? `PAUSED (${describePause(cluster.paused)})` : 'not paused'
      }`,
    );
    for (const node of cluster.nodes) {
      out.push(
        node.lastHeartbeat === undefined
          ? `  node ${node.node}: no heartbeat recorded`
          : `  node ${node.node}: last heartbeat ${node.lastHeartbeat} (${node.heartbeatAgeSeconds} s ago), clock skew ${node.clockSkewMs} ms`,
      );
    }
    for (const vip of cluster.vips) {
      out.push(`  ${MARK[vip.agreement]} VIP ${vip.vip}`);
      const owner = vip.owner;
      out.push(
        owner === undefined
          ? '      owner: none recorded'
          : `      owner: ${owner.node} (${owner.eni}) since ${owner.since}, ${owner.phase}, claim ${owner.reason} at ${owner.orderToken}`,
      );
      if (owner?.initiatedBy) {
        const by = owner.initiatedBy;
        out.push(`      operator switch by ${by.principal} at ${by.at}: ${by.reason}`);
      }
      if (vip.paused?.vip !== undefined) out.push(`      PAUSED: ${describePause(vip.paused)}`);
      for (const table of vip.tables) {
        out.push(
          `      ${MARK[table.agreement]} route table ${table.routeTableId} → ${table.target}`,
        );
      }
      for (const tgw of vip.transitGatewayRoutes ?? []) {
        out.push(
          `      ${MARK[tgw.agreement]} TGW route table ${tgw.routeTableId} → ${tgw.target} (expected ${tgw.expectedAttachment})`,
        );
      }
      for (const problem of vip.problems) out.push(`      ${problem}`);
    }
  }
  const verdict = {
    agrees: 'everything agrees',
    disagrees: 'something DISAGREES',
    unknown: 'nothing disagrees, but not everything could be determined',
  }[report.agreement];
  out.push('', `Summary: ${verdict}`);
  return `${out.join('\n')}\n`;
};

/** `routekeeper status`: who owns each VIP and where every route points. */
export const status: Command = (argv, io) =>
  runCommand(
    'status',
    USAGE,
    io,
    () => parse(argv),
    async (options) => {
      const { clusters } = configuredClusters(options, io.env);
      const clients = { region: clusters[0]?.region, endpoint: io.env.AWS_ENDPOINT_URL };
      const facts = await readStatusFacts(
        {
          ec2: makeEc2ReadClient(clients),
          documents: makeDocumentClient(makeDynamoDbClient(clients)),
        },
        { state: stateTableName(options, io.env), liveness: livenessTableName(options, io.env) },
        clusters,
      );
      const report = assessStatus(clusters, facts, new Date());
      const exitCode = EXIT_CODE[report.agreement];
      io.out(
        options.json
          ? `${JSON.stringify({ version: 1, exitCode, ...report }, null, 2)}\n`
          : formatStatus(report),
      );
      return exitCode;
    },
  );
