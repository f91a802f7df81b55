import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { toAwsCallError } from '../core/errors';
import type { ClaimVerdict } from '../domain/checks/node-routes';
import type { OutcomeKind } from '../domain/switch/outcomes';
import type { VipRecord } from '../domain/switch/ports';
import { call } from './call-error';
import { recordKey, toRecord } from './vip-records';

/**
 * `verdict#<cluster>#<vip>#<node>` in the state table: routekeeper's answer to the node's latest failover
 * claim for the VIP (one item per node and VIP, overwritten by newer claims only). It exists so that a node
 * waiting in LifeKeeper's restore can log *why* its claim failed: a refused claim is never recorded in the
 * fence record, and the node has no way to read the `Route Switch Failed` event. The node reads it and the
 * fence record with GetItem, under an IAM condition on exactly these keys (`routekeeper node-policy`).
 */
export const verdictKey = (cluster: string, vip: string, node: string): string =>
  `verdict#${cluster}#${vip}#${node}`;

const DETAIL_MAX = 300;

export interface VerdictEntry extends ClaimVerdict {
  readonly cluster: string;
  readonly vip: string;
  readonly node: string;
}

/** Write a verdict unless a newer claim of the node already has one (conditional put). */
export const makeVerdictWriter =
  (client: DynamoDBDocumentClient, tableName: string) =>
  async (entry: VerdictEntry, now: Date): Promise<void> => {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: verdictKey(entry.cluster, entry.vip, entry.node),
            ...entry,
            ...(entry.detail === undefined ? {} : { detail: entry.detail.slice(0, DETAIL_MAX) }),
            at: now.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR orderToken <= :token',
          ExpressionAttributeValues: { ':token': entry.orderToken },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw toAwsCallError(error, 'PutItem(verdict)');
    }
  };

const toVerdict = (item: Record<string, unknown>): ClaimVerdict => ({
  idempotencyKey: String(item.idempotencyKey),
  orderToken: Number(item.orderToken),
  outcome: String(item.outcome) as OutcomeKind,
  ...(typeof item.owner === 'string' ? { owner: item.owner } : {}),
  ...(typeof item.refusal === 'string' ? { refusal: item.refusal } : {}),
  ...(typeof item.detail === 'string' ? { detail: item.detail } : {}),
});

export interface NodeClaimState {
  readonly record?: VipRecord;
  readonly verdict?: ClaimVerdict;
}

/** The node's read: the VIP's fence record and its own verdict, both strongly consistent. */
export const makeNodeClaimReader =
  (client: DynamoDBDocumentClient, tableName: string) =>
  async (
    cluster: string,
    vip: string,
    node: string,
    abortSignal?: AbortSignal,
  ): Promise<NodeClaimState> => {
    const get = (pk: string) =>
      call('GetItem', () =>
        client.send(new GetCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true }), {
          ...(abortSignal === undefined ? {} : { abortSignal }),
        }),
      );
    const [record, verdict] = await Promise.all([
      get(recordKey(cluster, vip)),
      get(verdictKey(cluster, vip, node)),
    ]);
    return {
      ...(record.Item ? { record: toRecord(record.Item) } : {}),
      ...(verdict.Item ? { verdict: toVerdict(verdict.Item) } : {}),
    };
  };
