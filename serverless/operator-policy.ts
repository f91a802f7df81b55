import { pauseKey } from '../shared/aws/maintenance';
import { recordKey } from '../shared/aws/vip-records';
import type { RoutekeeperConfig } from '../shared/config/schema';
import { normaliseVip } from '../shared/core/ip';
import { COMPLETED, FAILED } from '../shared/events/route-switch-result';
import { OPERATOR_SOURCE } from '../shared/events/routekeeper-source';
import { roleParts } from './network-policy';
import { routeSwitchStatements, type Statement } from './stack';

/**
 * The identity policy of the operators' role (`routekeeper operator-policy`): what `status`, `switch`,
 * `pause`, `resume` and `doctor` do for the configured clusters, nothing more. (`init` discovers a cluster
 * before it is configured: the describes here, plus the TGW route search on whatever route tables it finds.)
 * - the describes the checks read (they support no resource-level permission; read-only);
 * - the state and liveness tables read (records, pauses, observed targets, heartbeats);
 * - the fence moved (UpdateItem) and maintenance set or lifted (PutItem, DeleteItem) only for the configured
 *   clusters' own keys;
 * - route writes through routeSwitch's own statements (serverless/stack.ts): route tables of the cluster
 *   VPCs only, the configured TGW route tables and attachments, the network roles where there are some;
 * - PutEvents of a switch's result as `routekeeper.operator`, never as `routekeeper` (a request).
 */
export interface OperatorPolicyInput {
  readonly config: RoutekeeperConfig;
  readonly stage: string;
  /** Default: the account of the nodes' roleArn. */
  readonly account?: string;
}

export class OperatorPolicyError extends Error {
  override readonly name = 'OperatorPolicyError';
}

/** The partition and account of the configured node roles (the schema validates each roleArn). */
const fromNodeRoles = (config: RoutekeeperConfig): { partition: string; account?: string } => {
  const roleArn = config.clusters.flatMap((c) => c.nodes.flatMap((n) => n.roleArn ?? []))[0];
  return roleArn === undefined ? { partition: 'aws' } : roleParts(roleArn);
};

/** Fn::Sub of the stack's statements, resolved for one account and region. */
const resolved = (value: unknown, vars: Readonly<Record<string, string>>): unknown => {
  if (Array.isArray(value)) return value.map((v) => resolved(v, vars));
  if (value === null || typeof value !== 'object') return value;
  const sub = (value as Record<string, unknown>)['Fn::Sub'];
  if (typeof sub === 'string') return sub.replace(/\$\{([^}]+)\}/g, (_, name) => vars[name] ?? '');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolved(v, vars)]));
};

export const operatorPolicy = (input: OperatorPolicyInput) => {
  const { config, stage } = input;
  const roles = fromNodeRoles(config);
  const account = input.account ?? roles.account;
  if (account === undefined || !/^\d{12}$/.test(account)) {
    throw new OperatorPolicyError(
      'the account is unknown: set nodes[].roleArn in the configuration or pass --account',
    );
  }
  const region = config.clusters[0]?.region ?? '';
  const arn = (service: string, resource: string) =>
    `arn:${roles.partition}:${service}:${region}:${account}:${resource}`;
  const state = arn('dynamodb', `table/routekeeper-${stage}-state`);
  const vips = config.clusters.flatMap((c) =>
    c.vips.map((v) => ({ cluster: c.name, vip: normaliseVip(v.address) ?? v.address })),
  );
  const onlyKeys = (pks: string[]) => ({
    'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': pks },
    // Without it, a request that names no key would pass ForAllValues vacuously.
    Null: { 'dynamodb:LeadingKeys': 'false' },
  });
  const routeWrites = resolved(
    routeSwitchStatements(config).filter((s) => s.Sid !== 'ReadRoutesAndVpcs'),
    { 'AWS::Partition': roles.partition, 'AWS::Region': region, 'AWS::AccountId': account },
  ) as Statement[];
  const directConnect = config.clusters.some(
    (c) => c.network === undefined && c.directConnectGatewayId !== undefined,
  );
  return {
    Version: '2012-10-17' as const,
    Statement: [
      {
        Sid: 'ReadWhatTheChecksRead',
        Effect: 'Allow',
        Action: [
          'ec2:DescribeRouteTables',
          'ec2:DescribeVpcs',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeInstances',
          'ec2:DescribeSubnets',
          'ec2:DescribeTransitGateways',
          'ec2:DescribeTransitGatewayVpcAttachments',
          'ec2:DescribeTransitGatewayRouteTables',
          ...(directConnect ? ['directconnect:DescribeDirectConnectGatewayAssociations'] : []),
        ],
        Resource: '*',
      },
      {
        Sid: 'ReadStateAndLiveness',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Scan'],
        Resource: [state, arn('dynamodb', `table/routekeeper-${stage}-liveness`)],
      },
      {
        Sid: 'MoveTheFenceOfConfiguredVips',
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: state,
        Condition: onlyKeys(vips.map((v) => recordKey(v.cluster, v.vip))),
      },
      {
        Sid: 'PauseAndResumeConfiguredClusters',
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        Resource: state,
        Condition: onlyKeys([
          ...config.clusters.map((c) => pauseKey(c.name)),
          ...vips.map((v) => pauseKey(v.cluster, v.vip)),
        ]),
      },
      ...routeWrites,
      {
        Sid: 'PublishOperatorResultsOnly',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: arn('events', `event-bus/routekeeper-${stage}`),
        Condition: {
          'ForAllValues:StringEquals': {
            'events:source': [OPERATOR_SOURCE],
            'events:detail-type': [COMPLETED, FAILED],
          },
          Null: { 'events:source': 'false', 'events:detail-type': 'false' },
        },
      },
    ],
  };
};
