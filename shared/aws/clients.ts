import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
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

export const makeDynamoDbClient = () =>
  new DynamoDBClient({ maxAttempts: 4, requestHandler: requestHandler() });

export const makeDocumentClient = (client: DynamoDBClient) =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

export const makeEventBridgeClient = () =>
  new EventBridgeClient({ maxAttempts: 4, requestHandler: requestHandler() });

/** Key stores of the heartbeat function (read through Powertools Parameters, which caches). */
export const makeSsmClient = () =>
  new SSMClient({ maxAttempts: 3, requestHandler: requestHandler() });

export const makeSecretsManagerClient = (region?: string) =>
  new SecretsManagerClient({
    ...(region ? { region } : {}),
    maxAttempts: 3,
    requestHandler: requestHandler(),
  });

/**
 * lk-notify's bus client: few SDK attempts and short timeouts, because the CLI bounds its total send time
 * itself and retries entries the bus refused (FailedEntryCount > 0).
 */
export const makeNodeEventBridgeClient = (region: string) =>
  new EventBridgeClient({
    region,
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 4_000 }),
  });
