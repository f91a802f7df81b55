import { DirectConnectClient } from '@aws-sdk/client-direct-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * Client factories. Call them once per container (in a function's deps.ts), never per request.
 * All clients honour AWS_ENDPOINT_URL, which is how local runs reach the emulator.
 * A hung socket fails fast instead of eating the function's time budget.
 */
const requestHandler = () =>
  new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 5_000 });

/** Reads: standard retry mode, 3 attempts (full-jitter backoff; throttling backs off from 500 ms). */
export const makeEc2ReadClient = (region?: string) =>
  new EC2Client({
    ...(region ? { region } : {}),
    maxAttempts: 3,
    requestHandler: requestHandler(),
  });

/** Route writes: more attempts, because a throttled ReplaceRoute during failover is worth waiting for. */
export const makeEc2WriteClient = (region?: string) =>
  new EC2Client({
    ...(region ? { region } : {}),
    maxAttempts: 8,
    requestHandler: requestHandler(),
  });

export const makeDynamoDbClient = (region?: string) =>
  new DynamoDBClient({
    ...(region ? { region } : {}),
    maxAttempts: 4,
    requestHandler: requestHandler(),
  });

export const makeDocumentClient = (client: DynamoDBClient) =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

export const makeEventBridgeClient = (region?: string) =>
  new EventBridgeClient({
    ...(region ? { region } : {}),
    maxAttempts: 4,
    requestHandler: requestHandler(),
  });

export const makeDirectConnectClient = (region?: string) =>
  new DirectConnectClient({
    ...(region ? { region } : {}),
    maxAttempts: 3,
    requestHandler: requestHandler(),
  });

/** The clients a checking run (drift, doctor) uses; composition roots build them or take given ones. */
export interface CheckClients {
  readonly ec2: EC2Client;
  readonly directConnect: DirectConnectClient;
  readonly dynamodb: DynamoDBClient;
  readonly events: EventBridgeClient;
}
