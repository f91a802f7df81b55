import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { toAwsCallError } from '../core/errors';
import type {
  Liveness,
  NodeLiveness,
  TargetHistory,
  TargetHistoryStore,
  VipRecordReader,
} from '../domain/checks/ports';
import { call } from './call-error';
import { livenessKey } from './liveness-table';
import { recordKey, toRecord } from './vip-records';

/**
 * The state table's other items, beside the per-VIP fence record `<cluster>#<vip>`:
 * `observed#<cluster>#<vip>`: the drift function's observed VIP target history (flapping):
 * target (string), changes (list of ISO 8601 strings), updatedAt (ISO 8601 string).
 * Node liveness lives in the liveness table the heartbeat function writes (liveness-table.ts).
 */
export const historyKey = (cluster: string, vip: string): string => `observed#${cluster}#${vip}`;

/** BatchGetItem in chunks of 100 keys, retrying unprocessed keys a few times. */
export const batchGet = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly string[],
  consistent: boolean,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = [...new Set(keys.slice(i, i + 100))].map(
      (pk) => ({ pk }),
    );
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt === 5) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      const keysToRead: Record<string, unknown>[] = pending;
      const output = await call('BatchGetItem', () =>
        client.send(
          new BatchGetCommand({
            RequestItems: { [tableName]: { Keys: keysToRead, ConsistentRead: consistent } },
          }),
        ),
      );
      items.push(...(output.Responses?.[tableName] ?? []));
      pending = output.UnprocessedKeys?.[tableName]?.Keys;
      if (pending && pending.length > 0)
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
  return items;
};

export const makeVipRecordReader = (
  client: DynamoDBDocumentClient,
  tableName: string,
): VipRecordReader => ({
  readMany: async (keys) =>
    (
      await batchGet(
        client,
        tableName,
        keys.map((k) => recordKey(k.cluster, k.vip)),
        true,
      )
    ).map(toRecord),
});

export const makeLiveness = (client: DynamoDBDocumentClient, tableName: string): Liveness => ({
  read: async (cluster, nodes) =>
    (
      await batchGet(
        client,
        tableName,
        nodes.map((node) => livenessKey(cluster, node)),
        false,
      )
    )
      .filter((item) => typeof item.lastSeenAt === 'string')
      .map(
        (item): NodeLiveness => ({
          node: String(item.node),
          lastSeen: String(item.lastSeenAt),
          clockSkewMs: Number(item.clockSkewMs ?? 0),
        }),
      ),
});

export const makeTargetHistoryStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
): TargetHistoryStore => ({
  readMany: async (keys) =>
    (
      await batchGet(
        client,
        tableName,
        keys.map((k) => historyKey(k.cluster, k.vip)),
        true,
      )
    ).map(
      (item): TargetHistory => ({
        cluster: String(item.cluster),
        vip: String(item.vip),
        target: String(item.target),
        changes: Array.isArray(item.changes) ? item.changes.map(String) : [],
        updatedAt: String(item.updatedAt),
      }),
    ),

  write: async (history, previous) => {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: historyKey(history.cluster, history.vip),
            ...history,
            changes: [...history.changes],
          },
          ConditionExpression:
            previous === undefined ? 'attribute_not_exists(pk)' : 'updatedAt = :previous',
          ...(previous === undefined
            ? {}
            : { ExpressionAttributeValues: { ':previous': previous.updatedAt } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw toAwsCallError(error, 'PutItem(observed target)');
    }
  },
});
