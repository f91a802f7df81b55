import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { toAwsCallError } from '../core/errors';
import type {
  Claim,
  OperatorAudit,
  Phase,
  VipRecord,
  VipRecordStore,
} from '../domain/switch/ports';
import { call } from './call-error';

/** One item per VIP, keyed `<cluster>#<vip>`. */
export const recordKey = (cluster: string, vip: string): string => `${cluster}#${vip}`;

/**
 * An operator switch's audit is stored with the order token it was recorded under (`initiatedBy`). Only
 * claims that carry an audit write it, so a repair replaying the operator's claim keeps it; a newer claim
 * leaves it behind under an older token, and it is then no longer the record's.
 */
const auditOf = (item: Record<string, unknown>): OperatorAudit | undefined => {
  const audit = item.initiatedBy as Record<string, unknown> | undefined;
  if (audit === undefined || Number(audit.orderToken) !== Number(item.orderToken)) return undefined;
  return { principal: String(audit.principal), at: String(audit.at), reason: String(audit.reason) };
};

export const toRecord = (item: Record<string, unknown>): VipRecord => {
  const initiatedBy = auditOf(item);
  return {
    cluster: String(item.cluster),
    vip: String(item.vip),
    owner: String(item.owner),
    eni: String(item.eni),
    orderToken: Number(item.orderToken),
    idempotencyKey: String(item.idempotencyKey),
    reason: String(item.reason),
    phase: String(item.phase) as Phase,
    updatedAt: String(item.updatedAt),
    ...(initiatedBy === undefined ? {} : { initiatedBy }),
  };
};

/**
 * The fence, in DynamoDB. `advance` is the conditional write of shared/domain/switch/fence.ts: accepted when
 * the item is absent, older, or the same claim again; otherwise the winning item comes back with the
 * ConditionalCheckFailedException (ALL_OLD), so a rejection costs no extra read.
 */
export const makeVipRecordStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
): VipRecordStore => ({
  advance: async (claim, now) => {
    const audit = claim.initiatedBy;
    try {
      const output = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: recordKey(claim.cluster, claim.vip) },
          // Every attribute goes through a name placeholder: several (cluster, owner, ...) are reserved words.
          UpdateExpression:
            'SET #cluster = :cluster, #vip = :vip, #owner = :node, #eni = :eni, #token = :token, ' +
            '#key = :key, #reason = :reason, #phase = :intent, #updatedAt = :now' +
            (audit === undefined ? '' : ', #initiatedBy = :initiatedBy'),
          ConditionExpression:
            'attribute_not_exists(#pk) OR #token < :token OR (#token = :token AND #owner = :node)',
          ExpressionAttributeNames: {
            '#pk': 'pk',
            '#cluster': 'cluster',
            '#vip': 'vip',
            '#owner': 'owner',
            '#eni': 'eni',
            '#token': 'orderToken',
            '#key': 'idempotencyKey',
            '#reason': 'reason',
            '#phase': 'phase',
            '#updatedAt': 'updatedAt',
            ...(audit === undefined ? {} : { '#initiatedBy': 'initiatedBy' }),
          },
          ExpressionAttributeValues: {
            ...(audit === undefined
              ? {}
              : { ':initiatedBy': { ...audit, orderToken: claim.orderToken } }),
            ':cluster': claim.cluster,
            ':vip': claim.vip,
            ':node': claim.node,
            ':eni': claim.eni,
            ':token': claim.orderToken,
            ':key': claim.idempotencyKey,
            ':reason': claim.reason,
            ':intent': 'INTENT',
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return {
        accepted: true,
        previous: output.Attributes ? toRecord(output.Attributes) : undefined,
      };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && error.Item) {
        return { accepted: false, current: toRecord(unmarshall(error.Item)) };
      }
      throw toAwsCallError(error, 'UpdateItem(fence)');
    }
  },

  read: async (cluster, vip) => {
    const output = await call('GetItem(fence)', () =>
      client.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: recordKey(cluster, vip) },
          ConsistentRead: true,
        }),
      ),
    );
    return output.Item ? toRecord(output.Item) : undefined;
  },

  markPhase: async (claim: Claim, phase: Phase, now: Date) => {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: recordKey(claim.cluster, claim.vip) },
          UpdateExpression: 'SET #phase = :phase, #updatedAt = :now',
          ConditionExpression: '#token = :token AND #owner = :node',
          ExpressionAttributeNames: {
            '#phase': 'phase',
            '#updatedAt': 'updatedAt',
            '#token': 'orderToken',
            '#owner': 'owner',
          },
          ExpressionAttributeValues: {
            ':phase': phase,
            ':now': now.toISOString(),
            ':token': claim.orderToken,
            ':node': claim.node,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { current: true } as const;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return {
          current: false,
          record: error.Item ? toRecord(unmarshall(error.Item)) : undefined,
        } as const;
      }
      throw toAwsCallError(error, 'UpdateItem(phase)');
    }
  },
});
