import { verdictKey } from '../shared/aws/claim-verdicts';
import { recordKey } from '../shared/aws/vip-records';
import type { RoutekeeperConfig } from '../shared/config/schema';
import { normaliseVip } from '../shared/core/ip';
import { sourceOf } from '../shared/core/lkrc';
import { NODE_DETAIL_TYPES } from '../shared/events/lifekeeper-signed';

/**
 * The identity policy of a cluster node's instance role (`routekeeper node-policy`): everything lk-notify
 * does, nothing more, and no route write.
 * - PutEvents on the stage's bus, only with the node's own source and the two node detail types (the bus
 *   policy enforces the same from the other side);
 * - DescribeRouteTables, for `failover --wait` and `check` (EC2 describes support no resource-level
 *   permission; the call is read-only);
 * - GetItem on the state table for exactly the VIP's fence record and this node's verdict items, so that a
 *   waiting restore can log why a claim failed (claim-verdicts.ts);
 * - GetSecretValue on the node's own key secret, when it keeps its key in Secrets Manager.
 */
export interface NodePolicyInput {
  readonly config: RoutekeeperConfig;
  readonly stage: string;
  readonly cluster: string;
  readonly node: string;
  /** Default: the account of the node's roleArn. */
  readonly account?: string;
  readonly keySecretArn?: string;
}

export class NodePolicyError extends Error {
  override readonly name = 'NodePolicyError';
}

export const nodePolicy = (input: NodePolicyInput) => {
  const cluster = input.config.clusters.find((c) => c.name === input.cluster);
  if (cluster === undefined)
    throw new NodePolicyError(`cluster "${input.cluster}" is not configured`);
  const node = cluster.nodes.find((n) => n.name === input.node);
  if (node === undefined) {
    throw new NodePolicyError(
      `node "${input.node}" is not in cluster "${cluster.name}" (nodes: ${cluster.nodes.map((n) => n.name).join(', ')})`,
    );
  }
  const account = input.account ?? node.roleArn?.split(':')[4];
  if (account === undefined || !/^\d{12}$/.test(account)) {
    throw new NodePolicyError(
      `the account is unknown: set nodes[].roleArn for ${node.name} or pass --account`,
    );
  }
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${cluster.region}:${account}:${resource}`;
  const vips = cluster.vips.map((v) => normaliseVip(v.address) ?? v.address);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PutOwnNodeEvents',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: arn('events', `event-bus/routekeeper-${input.stage}`),
        Condition: {
          'ForAllValues:StringEquals': {
            'events:source': [sourceOf(cluster.name, node.name)],
            'events:detail-type': [...NODE_DETAIL_TYPES],
          },
          Null: { 'events:source': 'false', 'events:detail-type': 'false' },
        },
      },
      {
        Sid: 'ReadVipRoutes',
        Effect: 'Allow',
        Action: 'ec2:DescribeRouteTables',
        Resource: '*',
      },
      {
        Sid: 'ReadOwnClaimVerdicts',
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: arn('dynamodb', `table/routekeeper-${input.stage}-state`),
        Condition: {
          'ForAllValues:StringEquals': {
            'dynamodb:LeadingKeys': vips.flatMap((vip) => [
              recordKey(cluster.name, vip),
              verdictKey(cluster.name, vip, node.name),
            ]),
          },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      },
      ...(input.keySecretArn === undefined
        ? []
        : [
            {
              Sid: 'ReadOwnSigningKey',
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              Resource: input.keySecretArn,
            },
          ]),
    ],
  };
};
