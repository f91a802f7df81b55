import 'aws-sdk-client-mock-vitest/extend';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeNodeClaimReader, makeVerdictWriter } from '../../../../shared/aws/claim-verdicts';
import { AwsCallError } from '../../../../shared/core/errors';

const TABLE = 'routekeeper-test-state';
const dynamodb = mockClient(DynamoDBDocumentClient);
const client = () => DynamoDBDocumentClient.from(new DynamoDBClient({}));
const entry = {
  cluster: 'lk-demo',
  vip: '10.1.0.10',
  node: 'node2',
  idempotencyKey: 'failover#lk-demo#10.1.0.10#node2#2000',
  orderToken: 2_000,
  outcome: 'Refused' as const,
  refusal: 'VipInsideVpc',
  detail: `VipInsideVpc: ${'x'.repeat(400)}`,
};

beforeEach(() => {
  dynamodb.reset();
});

describe('claim verdicts', () => {
  it('puts the verdict under the node key, unless a newer claim of the node has one, with the detail capped', async () => {
    // Prepare
    dynamodb.on(PutCommand).resolves({});
    // Act
    await makeVerdictWriter(client(), TABLE)(entry, new Date('2026-11-25T10:00:00.000Z'));
    // Assess
    expect(dynamodb).toReceiveCommandExactlyOnceWith(PutCommand, {
      TableName: TABLE,
      Item: expect.objectContaining({
        pk: 'verdict#lk-demo#10.1.0.10#node2',
        outcome: 'Refused',
        orderToken: 2_000,
        at: '2026-11-25T10:00:00.000Z',
      }),
      ConditionExpression: 'attribute_not_exists(pk) OR orderToken <= :token',
      ExpressionAttributeValues: { ':token': 2_000 },
    });
    const put = dynamodb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(String(put?.Item?.detail)).toHaveLength(300);
  });

  it('leaves a newer verdict alone without an error', async () => {
    // Prepare
    dynamodb
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    // Act / Assess
    await expect(makeVerdictWriter(client(), TABLE)(entry, new Date())).resolves.toBeUndefined();
  });

  it('reads the fence record and the verdict consistently, and throws a classified error when the read fails', async () => {
    // Prepare
    dynamodb
      .on(GetCommand, { Key: { pk: 'lk-demo#10.1.0.10' } })
      .resolves({
        Item: {
          pk: 'lk-demo#10.1.0.10',
          cluster: 'lk-demo',
          vip: '10.1.0.10',
          owner: 'node1',
          orderToken: 3_000,
        },
      })
      .on(GetCommand, { Key: { pk: 'verdict#lk-demo#10.1.0.10#node2' } })
      .resolves({ Item: { pk: 'verdict#lk-demo#10.1.0.10#node2', ...entry } });
    const read = makeNodeClaimReader(client(), TABLE);
    // Act
    const state = await read('lk-demo', '10.1.0.10', 'node2');
    dynamodb.reset();
    dynamodb.on(GetCommand).rejects(
      Object.assign(new Error('AccessDeniedException'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const failed = read('lk-demo', '10.1.0.10', 'node2');
    // Assess
    expect(state.record).toMatchObject({ owner: 'node1', orderToken: 3_000 });
    expect(state.verdict).toEqual({
      idempotencyKey: entry.idempotencyKey,
      orderToken: 2_000,
      outcome: 'Refused',
      refusal: 'VipInsideVpc',
      detail: entry.detail,
    });
    await expect(failed).rejects.toBeInstanceOf(AwsCallError);
    await expect(failed).rejects.toMatchObject({ retryable: false });
  });
});
