/**
 * The operators' policy, judged by an independent evaluator: what `status`, `switch`, `pause`, `resume`
 * and `doctor` do is allowed, and nothing else: no route outside the cluster VPC, no other cluster's record,
 * no request routeSwitch would act on.
 */
import { describe, expect, it } from 'vitest';
import { CLUSTER } from '../../../dev/guide';
import { OperatorPolicyError, operatorPolicy } from '../../../serverless/operator-policy';
import { parseConfig } from '../../../shared/config/schema';
import { fixtureConfigInput } from '../../support/guide';
import { identityPolicyDecider } from '../../support/identity-policy';

const config = parseConfig(fixtureConfigInput(), 'fixture');
const [cluster] = config.clusters;
const REGION = cluster?.region as string;
const ACCOUNT = '123456789012';
const OPERATOR = `arn:aws:iam::${ACCOUNT}:role/ops`;
const VIP = cluster?.vips[0]?.address as string;
const TGW_TABLE = cluster?.vips[0]?.transitGatewayRoutes[0]?.routeTableId as string;
const ATTACHMENT = cluster?.vips[0]?.transitGatewayRoutes[0]?.attachmentId as string;
const ec2 = (resource: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${resource}`;
const BUS = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/routekeeper-prod`;
const STATE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/routekeeper-prod-state`;
const LIVENESS = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/routekeeper-prod-liveness`;
const OWN_VPC = ec2(`vpc/${cluster?.vpcId}`);
const OTHER_VPC = ec2('vpc/vpc-0ffffffffffffffff');

const policy = operatorPolicy({ config, stage: 'prod' });

const decide = identityPolicyDecider(policy, OPERATOR, ACCOUNT);

const keys = (...pks: string[]) => ({ 'dynamodb:LeadingKeys': pks });
const event = (source: string, detailType: string) => ({
  'events:source': [source],
  'events:detail-type': [detailType],
});

// biome-ignore format: one request per line reads as a table
const CASES: [string, string, string, Record<string, string[]>, 'Allowed' | 'Denied'][] = [
  ['status/doctor: the route tables', 'ec2:DescribeRouteTables', '*', {}, 'Allowed'],
  ['doctor: the instances', 'ec2:DescribeInstances', '*', {}, 'Allowed'],
  ['doctor: the TGW attachments', 'ec2:DescribeTransitGatewayVpcAttachments', '*', {}, 'Allowed'],
  ['status: the TGW route', 'ec2:SearchTransitGatewayRoutes', ec2(`transit-gateway-route-table/${TGW_TABLE}`), {}, 'Allowed'],
  ['status: the records', 'dynamodb:Scan', STATE, {}, 'Allowed'],
  ['status: the heartbeats', 'dynamodb:BatchGetItem', LIVENESS, {}, 'Allowed'],
  ['switch: the fence record', 'dynamodb:UpdateItem', STATE, keys(`${CLUSTER}#${VIP}`), 'Allowed'],
  ["switch: another cluster's fence record", 'dynamodb:UpdateItem', STATE, keys(`lk-other#${VIP}`), 'Denied'],
  ['switch: an update without a key', 'dynamodb:UpdateItem', STATE, {}, 'Denied'],
  ['switch: a route table of the cluster VPC', 'ec2:ReplaceRoute', ec2('route-table/rtb-0a1b2c3d4e5f60701'), { 'ec2:Vpc': [OWN_VPC] }, 'Allowed'],
  ['switch: a route table of another VPC', 'ec2:ReplaceRoute', ec2('route-table/rtb-0b0b0b0b0b0b0b0b0'), { 'ec2:Vpc': [OTHER_VPC] }, 'Denied'],
  ['switch: the TGW route table', 'ec2:ReplaceTransitGatewayRoute', ec2(`transit-gateway-route-table/${TGW_TABLE}`), {}, 'Allowed'],
  ['switch: the TGW attachment it targets', 'ec2:ReplaceTransitGatewayRoute', ec2(`transit-gateway-attachment/${ATTACHMENT}`), {}, 'Allowed'],
  ['switch: another TGW route table', 'ec2:ReplaceTransitGatewayRoute', ec2('transit-gateway-route-table/tgw-rtb-0fffffffffffffff1'), {}, 'Denied'],
  ['switch: its result as routekeeper.operator', 'events:PutEvents', BUS, event('routekeeper.operator', 'Route Switch Completed'), 'Allowed'],
  ['a switch request routeSwitch would act on', 'events:PutEvents', BUS, event('routekeeper', 'Route Switch Requested'), 'Denied'],
  ["a node's claim", 'events:PutEvents', BUS, event(`lifekeeper.${CLUSTER}.node1`, 'LifeKeeper Failover'), 'Denied'],
  ['an event without a source', 'events:PutEvents', BUS, {}, 'Denied'],
  ['pause: the cluster', 'dynamodb:PutItem', STATE, keys(`pause#${CLUSTER}`), 'Allowed'],
  ['resume: one VIP', 'dynamodb:DeleteItem', STATE, keys(`pause#${CLUSTER}#${VIP}`), 'Allowed'],
  ["pause: another cluster", 'dynamodb:PutItem', STATE, keys('pause#lk-other'), 'Denied'],
  ['putting a fence record', 'dynamodb:PutItem', STATE, keys(`${CLUSTER}#${VIP}`), 'Denied'],
  ['deleting the table', 'dynamodb:DeleteTable', STATE, {}, 'Denied'],
  ['writing a heartbeat', 'dynamodb:PutItem', LIVENESS, keys(`${CLUSTER}#node1`), 'Denied'],
  ['deleting a route', 'ec2:DeleteRoute', ec2('route-table/rtb-0a1b2c3d4e5f60701'), { 'ec2:Vpc': [OWN_VPC] }, 'Denied'],
];

describe('routekeeper operator-policy', () => {
  it.each(CASES)('%s: %s is %s', async (_what, action, resource, context, expected) => {
    expect(await decide(action, resource, context)).toBe(expected);
  });

  it("writes routes with the routeSwitch role's own conditions, so an operator writes nowhere the function could not", () => {
    const sids = policy.Statement.map((s) => s.Sid);
    expect(sids).toEqual(
      expect.arrayContaining([
        'WriteVipRoutesOnlyInClusterVpcs',
        'WriteVipRouteOnlyInConfiguredTgwRouteTables',
      ]),
    );
    expect(JSON.stringify(policy)).not.toContain('Fn::Sub');
    expect(JSON.stringify(policy)).not.toContain('${');
  });

  it('takes the account from the nodes, and refuses without one', () => {
    const withoutRoles = parseConfig(
      {
        ...fixtureConfigInput(),
        clusters: fixtureConfigInput().clusters.map((c) => ({
          ...c,
          nodes: c.nodes.map(({ roleArn: _, ...node }) => node),
        })),
      },
      'fixture',
    );
    expect(() => operatorPolicy({ config: withoutRoles, stage: 'prod' })).toThrow(
      OperatorPolicyError,
    );
    expect(
      JSON.stringify(
        operatorPolicy({ config: withoutRoles, stage: 'prod', account: '210987654321' }),
      ),
    ).toContain(':210987654321:');
  });
});
