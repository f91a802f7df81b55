import { parseArgs } from 'node:util';
import { OperatorPolicyError, operatorPolicy } from '../../serverless/operator-policy';
import { CONFIG_ENV, loadConfigFile, stageConfigPath } from '../../shared/config/load';
import { ConfigError } from '../../shared/config/schema';
import type { Io } from './common';

export const OPERATOR_POLICY_USAGE = `Usage: routekeeper operator-policy [options]

Prints the IAM identity policy (JSON) for the operators' role: what status, switch, pause, resume, doctor
and init do. Reads; the fence and maintenance items of the configured clusters only; route writes under
routeSwitch's own conditions (route tables of the cluster VPCs, the configured TGW route tables and
attachments, the network roles); a switch's result published as routekeeper.operator, never a request.

Options:
  --config <file>       configuration file (default: $${CONFIG_ENV}, else config/routekeeper.<stage>.json)
  --stage <stage>       names the bus and tables (default: dev)
  --account <id>        routekeeper's account (default: the account of the nodes' roleArn)
  -h, --help            show this help

Exit codes: 0 printed, 2 usage or configuration error.
`;

/** `routekeeper operator-policy`: the operators' policy, from the configuration. */
export const operatorPolicyCommand = (argv: readonly string[], io: Io): number => {
  let values: { config?: string; stage?: string; account?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        stage: { type: 'string' },
        account: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err(`routekeeper: ${(error as Error).message}\n\n${OPERATOR_POLICY_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(OPERATOR_POLICY_USAGE);
    return 0;
  }
  const stage = values.stage ?? 'dev';
  try {
    const config = loadConfigFile(values.config ?? io.env[CONFIG_ENV] ?? stageConfigPath(stage));
    const policy = operatorPolicy({
      config,
      stage,
      ...(values.account === undefined ? {} : { account: values.account }),
    });
    io.out(`${JSON.stringify(policy, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof OperatorPolicyError)) throw error;
    io.err(`routekeeper: ${error.message}\n`);
    return 2;
  }
};
