import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeLivenessTable } from '../../../../shared/aws/liveness-table';

const documents = mockClient(DynamoDBDocumentClient);
const beat = (sentAt: number, msgId: string) => ({
  cluster: 'lk-demo',
  node: 'node1',
  msgId,
  sentAt,
  receivedAtMs: sentAt + 20,
  vipsHeld: ['10.1.0.10'],
});

beforeEach(() => {
  documents.reset();
});

describe('liveness table adapter', () => {
  it('writes only a heartbeat signed later than the recorded one, or the same message again', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({});
    const table = makeLivenessTable(
      DynamoDBDocumentClient.from(new DynamoDBClient({})),
      'liveness',
    );
    // Act
    await table.record(beat(2_000, 'msg-000000000000002'));
    // Assess
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe(
      'attribute_not_exists(#pk) OR #signedMs < :signedMs OR #msgId = :msgId',
    );
    expect(input?.ExpressionAttributeNames).toMatchObject({
      '#signedMs': 'lastSignedAtMs',
      '#msgId': 'lastMsgId',
    });
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':signedMs': 2_000,
      ':msgId': 'msg-000000000000002',
    });
  });

  it('reports an older heartbeat as not recorded instead of moving the record backwards', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
      }),
    );
    const table = makeLivenessTable(
      DynamoDBDocumentClient.from(new DynamoDBClient({})),
      'liveness',
    );
    // Act
    const result = await table.record(beat(1_000, 'msg-000000000000001'));
    // Assess
    expect(result).toEqual({ recorded: false });
  });
});
