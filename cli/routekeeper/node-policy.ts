import { NodePolicyError, nodePolicy } from '../../serverless/node-policy';
import { CONFIG_ENV } from '../../shared/config/load';
import { UsageError } from './common';
import { policyCommand } from './policy-command';

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

/** `routekeeper node-policy`: the node role's policy, from the configuration. */
export const nodePolicyCommand = policyCommand({
  usage: NODE_POLICY_USAGE,
  options: {
    node: { type: 'string' },
    cluster: { type: 'string' },
    account: { type: 'string' },
    'key-secret-arn': { type: 'string' },
  },
  refusal: NodePolicyError,
  build: (config, stage, option) => {
    const node = option('node');
    if (node === undefined) throw new UsageError('--node is required');
    const cluster =
      option('cluster') ?? (config.clusters.length === 1 ? config.clusters[0]?.name : undefined);
    if (cluster === undefined)
      throw new NodePolicyError('the configuration has several clusters: pass --cluster');
    const account = option('account');
    const keySecretArn = option('key-secret-arn');
    return nodePolicy({
      config,
      stage,
      cluster,
      node,
      ...(account === undefined ? {} : { account }),
      ...(keySecretArn === undefined ? {} : { keySecretArn }),
    });
  },
});
