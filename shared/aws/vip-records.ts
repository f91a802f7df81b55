import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { toAwsCallError } from '../core/errors';
import type { Claim, Phase, VipRecord, VipRecordStore } from '../domain/switch/ports';
import { call } from './call-error';

/** One item per VIP, keyed `<cluster>#<vip>`. */
export const recordKey = (cluster: string, vip: string): string => `${cluster}#${vip}`;

export const toRecord = (item: Record<string, unknown>): VipRecord => ({
  cluster: String(item.cluster),
  vip: String(item.vip),
  owner: String(item.owner),
  eni: String(item.eni),
  orderToken: Number(item.orderToken),
  idempotencyKey: String(item.idempotencyKey),
  reason: String(item.reason),
  phase: String(item.phase) as Phase,
  updatedAt: String(item.updatedAt),
});

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
    try {
      const output = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: recordKey(claim.cluster, claim.vip) },
          // Every attribute goes through a name placeholder: several (cluster, owner, ...) are reserved words.
          UpdateExpression:
            'SET #cluster = :cluster, #vip = :vip, #owner = :node, #eni = :eni, #token = :token, ' +
            '#key = :key, #reason = :reason, #phase = :intent, #updatedAt = :now',
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
          },
          ExpressionAttributeValues: {
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
