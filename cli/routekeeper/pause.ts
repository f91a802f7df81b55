import { parseArgs } from 'node:util';
import { readCallerIdentity } from '../../shared/aws/caller-identity';
import { makeDocumentClient, makeDynamoDbClient } from '../../shared/aws/clients';
import { makeMaintenanceStore } from '../../shared/aws/maintenance';
import { normaliseVip } from '../../shared/core/ip';
import type { Pause } from '../../shared/domain/checks/ports';
import {
  auditLine,
  CLUSTER_COMMAND_OPTIONS,
  CONFIG_HELP,
  type Command,
  findCluster,
  type Io,
  loadConfig,
  runCommand,
  stateTableName,
  TABLES_HELP,
  TIMEOUT_HELP,
  UsageError,
} from './common';

const usage = (
  name: 'pause' | 'resume',
) => `Usage: routekeeper ${name} --cluster <name> [--vip <ip>] ${name === 'pause' ? '--reason <text>' : '[--reason <text>]'} [options]

${
  name === 'pause'
    ? `Maintenance mode for a whole cluster, or one VIP: while paused, the drift check still reports (its
findings and log lines say "paused", its alarms still fire) but never repairs. LifeKeeper claims are
still applied: LifeKeeper stays authoritative. "status" and "doctor" show who paused it, when and why.`
    : `Ends maintenance mode: drift repairs again (in repair mode). Without --vip it lifts the cluster's pause
and every VIP pause of the cluster; with --vip only that VIP's own pause.`
}

Options:
  --cluster <name>      the configured cluster (required)
  --vip <ip>            only this VIP of the cluster
  --reason <text>       why (${name === 'pause' ? 'required' : 'optional'}; recorded and logged)
${CONFIG_HELP}
${TABLES_HELP}
  --json                print what was recorded as JSON on stdout
${TIMEOUT_HELP}
  -h, --help            show this help

Exit codes: 0 done, 2 usage or configuration error, 4 not finished within --timeout.
Who: the caller identity of the AWS credentials (STS GetCallerIdentity); one audit line goes to stderr.
`;

const parse = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    options: {
      ...CLUSTER_COMMAND_OPTIONS,
      vip: { type: 'string' },
      reason: { type: 'string' },
    },
  }).values;

const maintenance = (name: 'pause' | 'resume'): Command => {
  const USAGE = usage(name);
  return (argv: readonly string[], io: Io) =>
    runCommand(
      name,
      USAGE,
      io,
      () => parse(argv),
      async (options) => {
        const config = loadConfig(options, io.env);
        const cluster = findCluster(config, options.cluster);
        const vip = options.vip === undefined ? undefined : normaliseVip(options.vip);
        if (options.vip !== undefined && !cluster.vips.some((v) => v.address === vip)) {
          throw new UsageError(`VIP ${options.vip} is not configured in cluster ${cluster.name}`);
        }
        const reason = options.reason?.trim() ?? '';
        if (name === 'pause' && reason === '') throw new UsageError('--reason is required');
        const clients = { region: cluster.region, endpoint: io.env.AWS_ENDPOINT_URL };
        const store = makeMaintenanceStore(
          makeDocumentClient(makeDynamoDbClient(clients)),
          stateTableName(options, io.env),
        );
        const who = await readCallerIdentity(clients);
        const at = new Date().toISOString();
        const scope = vip ?? 'whole cluster';
        if (name === 'pause') {
          const pause: Pause = {
            cluster: cluster.name,
            ...(vip ? { vip } : {}),
            by: who.arn,
            at,
            reason,
          };
          await store.pause(pause);
          auditLine(io, 'routekeeper paused', { ...pause });
          io.out(
            options.json
              ? `${JSON.stringify({ version: 1, paused: pause }, null, 2)}\n`
              : `Paused ${cluster.name} (${scope}) by ${who.arn} at ${at}: ${reason}\n` +
                  'Drift reports but does not repair until `routekeeper resume`; LifeKeeper claims still apply.\n',
          );
          return 0;
        }
        const vips = vip === undefined ? cluster.vips.map((v) => v.address) : [vip];
        await store.resume(cluster.name, vips, vip === undefined);
        const resumed = { cluster: cluster.name, ...(vip ? { vip } : {}), by: who.arn, at, reason };
        auditLine(io, 'routekeeper resumed', resumed);
        io.out(
          options.json
            ? `${JSON.stringify({ version: 1, resumed }, null, 2)}\n`
            : `Resumed ${cluster.name} (${scope}) by ${who.arn} at ${at}: drift repairs again in repair mode\n`,
        );
        return 0;
      },
    );
};

export const pause = maintenance('pause');
export const resume = maintenance('resume');
