import { parseArgs } from 'node:util';
import { networkRolePolicies } from '../serverless/network-policy';
import { configPathFor } from '../serverless/stack';
import { loadConfigFile } from '../shared/config/load';
import { ConfigError } from '../shared/config/schema';

/**
 * Prints, for each network role of a stage's configuration (clusters[].network.roleArn), the permissions
 * policy and the trust policy to give that role in the network account (README, "Transit Gateway in a
 * network account"). Usage:
 *   npm run network-policy -- --stage prod --account 123456789012 [--operator <principal ARN>]...
 * `--account` is routekeeper's own account (where its function roles live); `--operator` adds principals
 * that run `routekeeper doctor`. Exit codes: 0 printed, 2 usage or configuration error.
 */
const run = (argv: string[]): number => {
  const { values } = parseArgs({
    args: argv,
    options: {
      stage: { type: 'string', default: 'dev' },
      config: { type: 'string' },
      account: { type: 'string' },
      operator: { type: 'string', multiple: true, default: [] },
    },
  });
  if (values.account === undefined || !/^\d{12}$/.test(values.account)) {
    console.error(
      'network-policy: --account <12-digit id of routekeeper’s own account> is required',
    );
    return 2;
  }
  let config: ReturnType<typeof loadConfigFile>;
  try {
    config = loadConfigFile(values.config ?? configPathFor(values.stage));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`network-policy: ${error.message}`);
    return 2;
  }
  const policies = networkRolePolicies(config, {
    stage: values.stage,
    workloadAccount: values.account,
    operators: values.operator,
  });
  if (policies.length === 0) {
    console.error('network-policy: no cluster names network.roleArn; nothing to print');
    return 2;
  }
  console.log(JSON.stringify(policies, null, 2));
  return 0;
};

if (require.main === module) {
  try {
    process.exitCode = run(process.argv.slice(2));
  } catch (error) {
    console.error(`network-policy: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
