/** The node role's policy, judged by an independent evaluator: what lk-notify does is allowed, nothing else. */
import { describe, expect, it } from 'vitest';
import { CLUSTER } from '../../../dev/guide';
import { NodePolicyError, nodePolicy } from '../../../serverless/node-policy';
import { parseConfig } from '../../../shared/config/schema';
import { fixtureConfigInput } from '../../support/guide';
import { identityPolicyDecider } from '../../support/identity-policy';

const config = parseConfig(fixtureConfigInput(), 'fixture');
const [cluster] = config.clusters;
const REGION = cluster?.region as string;
const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-node1`;
const VIP = cluster?.vips[0]?.address.replace('/32', '') as string;
const BUS = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/routekeeper-prod`;
const STATE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/routekeeper-prod-state`;
const SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:routekeeper/${CLUSTER}/node1-AbCdEf`;

const policy = nodePolicy({
  config,
  stage: 'prod',
  cluster: CLUSTER,
  node: 'node1',
  keySecretArn: SECRET,
});

const decide = identityPolicyDecider(policy, ROLE, ACCOUNT);

const event = (source: string, detailType = 'LifeKeeper Failover') => ({
  'events:source': [source],
  'events:detail-type': [detailType],
});

// biome-ignore format: one request per line reads as a table
const CASES: [string, string, string, Record<string, string[]>, 'Allowed' | 'Denied'][] = [
  ['its own failover claim', 'events:PutEvents', BUS, event(`lifekeeper.${CLUSTER}.node1`), 'Allowed'],
  ['its own heartbeat', 'events:PutEvents', BUS, event(`lifekeeper.${CLUSTER}.node1`, 'LifeKeeper Heartbeat'), 'Allowed'],
  ["node2's source", 'events:PutEvents', BUS, event(`lifekeeper.${CLUSTER}.node2`), 'Denied'],
  ["routekeeper's own source", 'events:PutEvents', BUS, event('routekeeper', 'Route Switch Requested'), 'Denied'],
  ['an event without a source', 'events:PutEvents', BUS, {}, 'Denied'],
  ['reading the route tables', 'ec2:DescribeRouteTables', '*', {}, 'Allowed'],
  ['writing a route', 'ec2:ReplaceRoute', `arn:aws:ec2:${REGION}:${ACCOUNT}:route-table/rtb-0a1b2c3d4e5f60701`, {}, 'Denied'],
  ["the VIP's fence record", 'dynamodb:GetItem', STATE, { 'dynamodb:LeadingKeys': [`${CLUSTER}#${VIP}`] }, 'Allowed'],
  ['its own verdict', 'dynamodb:GetItem', STATE, { 'dynamodb:LeadingKeys': [`verdict#${CLUSTER}#${VIP}#node1`] }, 'Allowed'],
  ["node2's verdict", 'dynamodb:GetItem', STATE, { 'dynamodb:LeadingKeys': [`verdict#${CLUSTER}#${VIP}#node2`] }, 'Denied'],
  ['a liveness item', 'dynamodb:GetItem', STATE, { 'dynamodb:LeadingKeys': [`observed#${CLUSTER}#${VIP}`] }, 'Denied'],
  ['a read without a key', 'dynamodb:GetItem', STATE, {}, 'Denied'],
  ['writing its verdict', 'dynamodb:PutItem', STATE, { 'dynamodb:LeadingKeys': [`verdict#${CLUSTER}#${VIP}#node1`] }, 'Denied'],
  ['its own key secret', 'secretsmanager:GetSecretValue', SECRET, {}, 'Allowed'],
  ["another secret", 'secretsmanager:GetSecretValue', `${SECRET.slice(0, -13)}node2-XyZabc`, {}, 'Denied'],
];

describe('routekeeper node-policy: the node role', () => {
  it.each(CASES)('%s: %s → %s', async (_why, action, resource, context, decision) => {
    // Act / Assess
    expect(await decide(action, resource, context)).toBe(decision);
  });

  it('refuses a node that is not configured, naming the ones that are', () => {
    // Act / Assess
    expect(() => nodePolicy({ config, stage: 'prod', cluster: CLUSTER, node: 'node9' })).toThrow(
      new NodePolicyError(`node "node9" is not in cluster "${CLUSTER}" (nodes: node1, node2)`),
    );
  });
});
