import { parseArgs } from 'node:util';
import { NodePolicyError, nodePolicy } from '../../serverless/node-policy';
import { CONFIG_ENV, loadConfigFile, stageConfigPath } from '../../shared/config/load';
import { ConfigError } from '../../shared/config/schema';

export const NODE_POLICY_USAGE = `Usage: routekeeper node-policy --node <name> [options]

Prints the IAM identity policy (JSON) for a cluster node's instance role: PutEvents for its own source on
the routekeeper bus, DescribeRouteTables (lk-notify failover --wait, check), GetItem on the state table for
the VIP's record and this node's verdicts only, and its own key secret when given. No route writes.

Options:
  --node <name>         the node (required)
  --cluster <name>      its cluster (default: the only cluster of the configuration)
  --config <file>       configuration file (default: $${CONFIG_ENV}, else config/routekeeper.<stage>.json)
  --stage <stage>       names the bus and state table (default: dev)
  --account <id>        default: the account of the node's roleArn
  --key-secret-arn <arn>  the node's Secrets Manager key secret, when it keeps its key there
  -h, --help            show this help

Exit codes: 0 printed, 2 usage or configuration error.
`;

/** What the command writes to and reads (main.ts passes its Io). */
interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** `routekeeper node-policy`: the node role's policy, from the configuration. */
export const nodePolicyCommand = (argv: readonly string[], io: Io): number => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        node: { type: 'string' },
        cluster: { type: 'string' },
        config: { type: 'string' },
        stage: { type: 'string' },
        account: { type: 'string' },
        'key-secret-arn': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err(`routekeeper: ${(error as Error).message}\n\n${NODE_POLICY_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(NODE_POLICY_USAGE);
    return 0;
  }
  const text = (name: string) => values[name] as string | undefined;
  const node = text('node');
  if (node === undefined) {
    io.err(`routekeeper: --node is required\n\n${NODE_POLICY_USAGE}`);
    return 2;
  }
  const stage = text('stage') ?? 'dev';
  try {
    const config = loadConfigFile(text('config') ?? io.env[CONFIG_ENV] ?? stageConfigPath(stage));
    const cluster =
      text('cluster') ?? (config.clusters.length === 1 ? config.clusters[0]?.name : undefined);
    if (cluster === undefined) {
      io.err('routekeeper: the configuration has several clusters: pass --cluster\n');
      return 2;
    }
    const account = text('account');
    const keySecretArn = text('key-secret-arn');
    const policy = nodePolicy({
      config,
      stage,
      cluster,
      node,
      ...(account === undefined ? {} : { account }),
      ...(keySecretArn === undefined ? {} : { keySecretArn }),
    });
    io.out(`${JSON.stringify(policy, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof NodePolicyError)) throw error;
    io.err(`routekeeper: ${error.message}\n`);
    return 2;
  }
};
