import { OperatorPolicyError, operatorPolicy } from '../../serverless/operator-policy';
import { CONFIG_ENV } from '../../shared/config/load';
import { policyCommand } from './policy-command';

export const OPERATOR_POLICY_USAGE = `Usage: routekeeper operator-policy [options]

Prints the IAM identity policy (JSON) for the operators' role: what status, switch, pause, resume and
doctor do, for the configured clusters (init runs before there is a configuration: see the README). Reads; the fence and maintenance items of the configured clusters only; route writes under
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
export const operatorPolicyCommand = policyCommand({
  usage: OPERATOR_POLICY_USAGE,
  options: { account: { type: 'string' } },
  refusal: OperatorPolicyError,
  build: (config, stage, option) => {
    const account = option('account');
    return operatorPolicy({ config, stage, ...(account === undefined ? {} : { account }) });
  },
});
