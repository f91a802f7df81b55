import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { toAwsCallError } from '../core/errors';
import type { LivenessStore } from '../domain/intake/ports';

/** One item per node, keyed `<cluster>#<node>` (layout: docs/signing.md, "Liveness table"). */
export const livenessKey = (cluster: string, node: string): string => `${cluster}#${node}`;

/**
 * The latest heartbeat of each node. The write is conditional on the heartbeat being signed later than the
 * recorded one (or being the same message again, for a retried invocation), so out-of-order delivery never
 * rolls a node's liveness back.
 */
export const makeLivenessTable = (
  client: DynamoDBDocumentClient,
  tableName: string,
): LivenessStore => ({
  record: async (beat) => {
    try {
      const output = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: livenessKey(beat.cluster, beat.node) },
          UpdateExpression:
            'SET #cluster = :cluster, #node = :node, #seenMs = :seenMs, #seenAt = :seenAt, ' +
            '#signedMs = :signedMs, #skew = :skew, #vips = :vips, #msgId = :msgId, ' +
            '#instance = :instance, #enis = :enis',
          ConditionExpression:
            'attribute_not_exists(#pk) OR #signedMs < :signedMs OR #msgId = :msgId',
          ExpressionAttributeNames: {
            '#pk': 'pk',
            '#cluster': 'cluster',
            '#node': 'node',
            '#seenMs': 'lastSeenAtMs',
            '#seenAt': 'lastSeenAt',
            '#signedMs': 'lastSignedAtMs',
            '#skew': 'clockSkewMs',
            '#vips': 'vipsHeld',
            '#msgId': 'lastMsgId',
            '#instance': 'instanceId',
            '#enis': 'enis',
          },
          ExpressionAttributeValues: {
            ':cluster': beat.cluster,
            ':node': beat.node,
            ':seenMs': beat.receivedAtMs,
            ':seenAt': new Date(beat.receivedAtMs).toISOString(),
            ':signedMs': beat.sentAt,
            ':skew': beat.receivedAtMs - beat.sentAt,
            ':vips': [...beat.vipsHeld],
            ':msgId': beat.msgId,
            ':instance': beat.instanceId ?? null,
            ':enis': beat.enis === undefined ? null : [...beat.enis],
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const previous = output.Attributes?.lastSeenAtMs;
      return typeof previous === 'number' && output.Attributes?.lastMsgId !== beat.msgId
        ? { recorded: true, previousSeenAtMs: previous }
        : { recorded: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { recorded: false };
      throw toAwsCallError(error, 'UpdateItem(liveness)');
    }
  },
});
