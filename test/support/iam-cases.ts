/**
 * The IAM requests routekeeper's least privilege is judged by, one row per request with the decision it
 * demands, and how a row is put to the independent evaluator (@cloud-copilot/iam-simulate). Two suites use
 * them: the packaged template's (integration) and the policy builder's own (unit, serverless/stack.ts), so
 * the builder is held to the same table without packaging.
 */
import { readFileSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Place } from './cloudformation';
import { fixtureConfigFile } from './guide';

/** The configuration packaged here (the guide's fixture), and read for the names and region the requests use. */
export const CONFIG_FILE = fixtureConfigFile();
const config = JSON.parse(readFileSync(CONFIG_FILE, 'utf8')) as {
  clusters: {
    name: string;
    region: string;
    vpcId: string;
    nodes: { roleArn: string }[];
    vips: { transitGatewayRoute: { routeTableId: string; attachmentId: string } }[];
  }[];
};
export const [cluster] = config.clusters;
if (cluster === undefined) throw new Error(`${CONFIG_FILE} has no cluster`);

export const ACCOUNT = '123456789012';
export const PLACE: Place = { partition: 'aws', region: cluster.region, account: ACCOUNT };
export const arn = (service: string, resource: string) =>
  `arn:aws:${service}:${PLACE.region}:${ACCOUNT}:${resource}`;

const BUS = arn('events', 'event-bus/routekeeper-dev');
const DEFAULT_BUS = arn('events', 'event-bus/default');
const table = (name: string) => arn('dynamodb', `table/routekeeper-dev-${name}`);
const DLQ = arn('sqs', 'routekeeper-dev-dlq');
const CLUSTER_VPC = arn('ec2', `vpc/${cluster.vpcId}`);
const OTHER_VPC = arn('ec2', 'vpc/vpc-0ffffffffffffffff');
const ROUTE_TABLE = arn('ec2', 'route-table/rtb-0a1b2c3d4e5f60701');
const TGW_ROUTE_TABLE = arn(
  'ec2',
  `transit-gateway-route-table/${cluster.vips[0]?.transitGatewayRoute.routeTableId}`,
);
const OTHER_TGW_ROUTE_TABLE = arn('ec2', 'transit-gateway-route-table/tgw-rtb-0ffffffffffffffff');
const KEY_PARAMETER = arn('ssm', `parameter/routekeeper/dev/${cluster.name}/keys/node1.h2026-11`);
const OTHER_PARAMETER = arn('ssm', 'parameter/routekeeper/dev/other/keys/node1.h2026-11');

export const [NODE1, NODE2] = cluster.nodes.map((n) => n.roleArn) as [string, string];
export const STRANGER = `arn:aws:iam::${ACCOUNT}:role/not-in-the-config`;
export const FUNCTION_ROLES = {
  routeSwitch: 'RouteSwitchRole',
  heartbeat: 'HeartbeatRole',
  drift: 'DriftRole',
} as const;
export type Who = keyof typeof FUNCTION_ROLES | 'node1' | 'node2' | 'stranger';

const event = (source: string, detailType: string) => ({
  'events:source': [source],
  'events:detail-type': [detailType],
});
const NODE1_SOURCE = `lifekeeper.${cluster.name}.node1`;
const NODE2_SOURCE = `lifekeeper.${cluster.name}.node2`;

export interface Case {
  readonly who: Who;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  readonly why: string;
  readonly decision: 'Allowed' | 'Denied';
}

// biome-ignore format: one request per line reads as a table
export const CASES: Case[] = [
  // The bus: each node only its own source; `routekeeper` only from routekeeper's functions.
  { who: 'node1', action: 'events:PutEvents', resource: BUS, context: event(NODE1_SOURCE, 'LifeKeeper Failover'), why: 'its own failover claim', decision: 'Allowed' },
  { who: 'node1', action: 'events:PutEvents', resource: BUS, context: event(NODE1_SOURCE, 'LifeKeeper Heartbeat'), why: 'its own heartbeat', decision: 'Allowed' },
  { who: 'node2', action: 'events:PutEvents', resource: BUS, context: event(NODE2_SOURCE, 'LifeKeeper Failover'), why: 'its own failover claim', decision: 'Allowed' },
  { who: 'node1', action: 'events:PutEvents', resource: BUS, context: event(NODE2_SOURCE, 'LifeKeeper Failover'), why: "node2's source", decision: 'Denied' },
  { who: 'node2', action: 'events:PutEvents', resource: BUS, context: event(NODE1_SOURCE, 'LifeKeeper Heartbeat'), why: "node1's source", decision: 'Denied' },
  { who: 'node1', action: 'events:PutEvents', resource: BUS, context: event('lifekeeper.lk-dr.node1', 'LifeKeeper Failover'), why: 'a node of an unconfigured cluster', decision: 'Denied' },
  { who: 'node1', action: 'events:PutEvents', resource: BUS, context: event('routekeeper', 'Route Switch Requested'), why: 'a switch request in routekeeper\'s name', decision: 'Denied' },
  { who: 'stranger', action: 'events:PutEvents', resource: BUS, context: event('routekeeper', 'Route Switch Requested'), why: 'a switch request, though its own policy allows events:*', decision: 'Denied' },
  { who: 'stranger', action: 'events:PutEvents', resource: BUS, context: event(NODE1_SOURCE, 'LifeKeeper Failover'), why: "node1's source", decision: 'Denied' },
  { who: 'stranger', action: 'events:PutEvents', resource: BUS, context: event('lifekeeper.other.node9', 'LifeKeeper Failover'), why: 'any other lifekeeper.* source', decision: 'Denied' },
  { who: 'heartbeat', action: 'events:PutEvents', resource: BUS, context: event('routekeeper', 'Route Switch Requested'), why: 'a switch request for an accepted claim', decision: 'Allowed' },
  { who: 'drift', action: 'events:PutEvents', resource: BUS, context: event('routekeeper', 'Route Switch Requested'), why: 'a repair, though every cluster is in report mode', decision: 'Denied' },
  { who: 'drift', action: 'events:PutEvents', resource: BUS, context: event('routekeeper', 'Route Drift Detected'), why: 'a finding', decision: 'Allowed' },
  { who: 'routeSwitch', action: 'events:PutEvents', resource: BUS, context: event('routekeeper', 'Route Switch Completed'), why: 'its result', decision: 'Allowed' },
  { who: 'routeSwitch', action: 'events:PutEvents', resource: BUS, context: event('routekeeper', 'Route Switch Failed'), why: 'its failure', decision: 'Allowed' },
  { who: 'routeSwitch', action: 'events:PutEvents', resource: BUS, context: event('routekeeper', 'Route Switch Requested'), why: 'a switch request (it would trigger itself)', decision: 'Denied' },
  { who: 'routeSwitch', action: 'events:PutEvents', resource: BUS, context: event(NODE1_SOURCE, 'LifeKeeper Failover'), why: "node1's source", decision: 'Denied' },
  { who: 'heartbeat', action: 'events:PutEvents', resource: BUS, context: event(NODE2_SOURCE, 'LifeKeeper Failover'), why: "node2's source", decision: 'Denied' },
  { who: 'heartbeat', action: 'events:PutEvents', resource: DEFAULT_BUS, context: event('routekeeper', 'Route Switch Requested'), why: 'another bus', decision: 'Denied' },
  // Routes: only routeSwitch writes, only in the cluster VPC and the configured TGW route table.
  { who: 'routeSwitch', action: 'ec2:ReplaceRoute', resource: ROUTE_TABLE, context: { 'ec2:Vpc': CLUSTER_VPC }, why: 'a route table of the cluster VPC', decision: 'Allowed' },
  { who: 'routeSwitch', action: 'ec2:CreateRoute', resource: ROUTE_TABLE, context: { 'ec2:Vpc': CLUSTER_VPC }, why: 'a route table of the cluster VPC', decision: 'Allowed' },
  { who: 'routeSwitch', action: 'ec2:ReplaceRoute', resource: ROUTE_TABLE, context: { 'ec2:Vpc': OTHER_VPC }, why: 'a route table in another VPC', decision: 'Denied' },
  { who: 'routeSwitch', action: 'ec2:DeleteRoute', resource: ROUTE_TABLE, context: { 'ec2:Vpc': CLUSTER_VPC }, why: 'deleting a route', decision: 'Denied' },
  { who: 'routeSwitch', action: 'ec2:ReplaceTransitGatewayRoute', resource: TGW_ROUTE_TABLE, why: 'the configured TGW route table', decision: 'Allowed' },
  { who: 'routeSwitch', action: 'ec2:ReplaceTransitGatewayRoute', resource: OTHER_TGW_ROUTE_TABLE, why: 'another TGW route table', decision: 'Denied' },
  { who: 'routeSwitch', action: 'ec2:DeleteTransitGatewayRoute', resource: TGW_ROUTE_TABLE, why: 'deleting the TGW route', decision: 'Denied' },
  { who: 'drift', action: 'ec2:ReplaceRoute', resource: ROUTE_TABLE, context: { 'ec2:Vpc': CLUSTER_VPC }, why: 'writing a route in report mode', decision: 'Denied' },
  { who: 'drift', action: 'ec2:CreateRoute', resource: ROUTE_TABLE, context: { 'ec2:Vpc': CLUSTER_VPC }, why: 'creating a route', decision: 'Denied' },
  { who: 'drift', action: 'ec2:ReplaceTransitGatewayRoute', resource: TGW_ROUTE_TABLE, why: 'writing the TGW route', decision: 'Denied' },
  { who: 'drift', action: 'ec2:DescribeRouteTables', resource: '*', why: 'reading route tables', decision: 'Allowed' },
  { who: 'drift', action: 'ec2:SearchTransitGatewayRoutes', resource: TGW_ROUTE_TABLE, why: 'searching the configured TGW route table', decision: 'Allowed' },
  { who: 'heartbeat', action: 'ec2:ReplaceRoute', resource: ROUTE_TABLE, context: { 'ec2:Vpc': CLUSTER_VPC }, why: 'writing a route', decision: 'Denied' },
  // Tables: each function exactly the calls its adapters make.
  { who: 'heartbeat', action: 'dynamodb:GetItem', resource: table('state'), why: 'reading a fence record', decision: 'Allowed' },
  { who: 'heartbeat', action: 'dynamodb:PutItem', resource: table('state'), why: 'writing the state table', decision: 'Denied' },
  { who: 'heartbeat', action: 'dynamodb:UpdateItem', resource: table('state'), why: 'updating the state table', decision: 'Denied' },
  { who: 'heartbeat', action: 'dynamodb:UpdateItem', resource: table('liveness'), why: 'recording a heartbeat', decision: 'Allowed' },
  { who: 'heartbeat', action: 'dynamodb:DeleteItem', resource: table('liveness'), why: 'deleting liveness', decision: 'Denied' },
  { who: 'heartbeat', action: 'dynamodb:PutItem', resource: table('liveness'), why: 'overwriting liveness', decision: 'Denied' },
  { who: 'heartbeat', action: 'dynamodb:PutItem', resource: table('dedupe'), why: 'taking a message id (Powertools)', decision: 'Allowed' },
  { who: 'heartbeat', action: 'dynamodb:DeleteItem', resource: table('dedupe'), why: 'releasing a message id after a fault (Powertools)', decision: 'Allowed' },
  { who: 'routeSwitch', action: 'dynamodb:UpdateItem', resource: table('state'), why: 'moving the fence', decision: 'Allowed' },
  { who: 'routeSwitch', action: 'dynamodb:GetItem', resource: table('state'), why: 'reading the fence', decision: 'Allowed' },
  { who: 'routeSwitch', action: 'dynamodb:PutItem', resource: table('state'), why: 'overwriting a fence record', decision: 'Denied' },
  { who: 'routeSwitch', action: 'dynamodb:PutItem', resource: table('state'), context: { 'dynamodb:LeadingKeys': [`${cluster.name}#10.1.0.10`] }, why: 'a fence record by its key', decision: 'Denied' },
  { who: 'routeSwitch', action: 'dynamodb:PutItem', resource: table('state'), context: { 'dynamodb:LeadingKeys': [`verdict#${cluster.name}#10.1.0.10#node2`] }, why: "the claimant's verdict (claim-verdicts.ts)", decision: 'Allowed' },
  { who: 'routeSwitch', action: 'dynamodb:DeleteItem', resource: table('state'), why: 'deleting a fence record', decision: 'Denied' },
  { who: 'routeSwitch', action: 'dynamodb:PutItem', resource: table('idempotency'), why: 'taking an idempotency key (Powertools)', decision: 'Allowed' },
  { who: 'routeSwitch', action: 'dynamodb:DeleteItem', resource: table('idempotency'), why: 'releasing an idempotency key (Powertools)', decision: 'Allowed' },
  { who: 'routeSwitch', action: 'dynamodb:UpdateItem', resource: table('liveness'), why: 'writing liveness', decision: 'Denied' },
  { who: 'drift', action: 'dynamodb:PutItem', resource: table('state'), context: { 'dynamodb:LeadingKeys': [`observed#${cluster.name}#10.1.0.10`] }, why: 'its observed-target item', decision: 'Allowed' },
  { who: 'drift', action: 'dynamodb:PutItem', resource: table('state'), context: { 'dynamodb:LeadingKeys': [`vip#${cluster.name}#10.1.0.10`] }, why: 'a fence record', decision: 'Denied' },
  { who: 'drift', action: 'dynamodb:UpdateItem', resource: table('state'), why: 'updating the state table', decision: 'Denied' },
  { who: 'drift', action: 'dynamodb:GetItem', resource: table('liveness'), why: 'reading liveness', decision: 'Allowed' },
  // Keys and the dead-letter queue.
  { who: 'heartbeat', action: 'ssm:GetParametersByPath', resource: arn('ssm', `parameter/routekeeper/dev/${cluster.name}/keys`), why: 'its key path', decision: 'Allowed' },
  { who: 'heartbeat', action: 'ssm:GetParameter', resource: KEY_PARAMETER, why: 'a key below its key path', decision: 'Allowed' },
  { who: 'heartbeat', action: 'ssm:GetParameter', resource: OTHER_PARAMETER, why: 'a key of another path', decision: 'Denied' },
  { who: 'routeSwitch', action: 'ssm:GetParameter', resource: KEY_PARAMETER, why: 'a node key', decision: 'Denied' },
  { who: 'drift', action: 'ssm:GetParametersByPath', resource: arn('ssm', `parameter/routekeeper/dev/${cluster.name}/keys`), why: 'the key path', decision: 'Denied' },
  { who: 'heartbeat', action: 'sqs:SendMessage', resource: DLQ, why: 'its on-failure destination', decision: 'Allowed' },
  { who: 'routeSwitch', action: 'sqs:SendMessage', resource: DLQ, why: 'its on-failure destination', decision: 'Allowed' },
  { who: 'drift', action: 'sqs:SendMessage', resource: DLQ, why: 'a queue it has no use for', decision: 'Denied' },
];

export interface PolicyDocument {
  readonly name: string;
  readonly policy: unknown;
}

/** Who holds which identity policies and under which ARN, and the bus's resource policy. */
export interface Principals {
  readonly identity: Record<Who, PolicyDocument[]>;
  readonly principal: Record<Who, string>;
  readonly busPolicy: unknown;
}

/** Node roles get nothing from their own policies here (the bus policy alone must let them in); the stranger may put anything anywhere. */
export const principalsOf = (
  roles: Record<keyof typeof FUNCTION_ROLES, { arn: string; policies: PolicyDocument[] }>,
  busPolicy: unknown,
): Principals => ({
  identity: {
    routeSwitch: roles.routeSwitch.policies,
    heartbeat: roles.heartbeat.policies,
    drift: roles.drift.policies,
    node1: [],
    node2: [],
    stranger: [
      {
        name: 'events-anywhere',
        policy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: '*' }],
        },
      },
    ],
  },
  principal: {
    routeSwitch: roles.routeSwitch.arn,
    heartbeat: roles.heartbeat.arn,
    drift: roles.drift.arn,
    node1: NODE1,
    node2: NODE2,
    stranger: STRANGER,
  },
  busPolicy,
});

/** The evaluator's decision for one row. */
export const decide = async (request: Case, who: Principals): Promise<'Allowed' | 'Denied'> => {
  const result = await runSimulation(
    {
      request: {
        principal: who.principal[request.who],
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: { 'aws:PrincipalArn': who.principal[request.who], ...request.context },
      },
      identityPolicies: who.identity[request.who],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resource.startsWith(arn('events', 'event-bus/routekeeper-dev'))
        ? { resourcePolicy: who.busPolicy }
        : {}),
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult === 'Allowed' ? 'Allowed' : 'Denied';
};
