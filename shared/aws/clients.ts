import { DirectConnectClient } from '@aws-sdk/client-direct-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { currentStopSignal } from '../core/stop';

/**
 * Client factories. Call them once per container (in a function's deps.ts), never per request.
 * `endpoint` (from the AWS_ENDPOINT_URL a function's deps read) is how local runs reach the emulator;
 * passing it explicitly keeps a composition root independent of the process environment.
 */
export interface ClientOptions {
  readonly endpoint?: string | undefined;
  /** Defaults to AWS_REGION; the doctor CLI passes the configuration's region. */
  readonly region?: string | undefined;
  /** Per-attempt timeouts; default CALL_TIMEOUTS. */
  readonly timeouts?: CallTimeouts | undefined;
}

export interface CallTimeouts {
  /** To establish the TCP connection. */
  readonly connectionMs: number;
  /** To the answer's headers, and the longest silence while its body arrives. */
  readonly answerMs: number;
}

/**
 * A hung socket fails the attempt instead of eating the caller's time budget. Every timeout throws a
 * TimeoutError or AbortError (without an HTTP answer: retryable by the one rule), which the SDK retries
 * within the client's attempts: connect within 2 s, headers within 5 s, no 5 s silence in the body, and
 * the whole answer within 2 x 5 s (a body that trickles in). A stop signal (shared/core/stop.ts) aborts
 * the attempt at once.
 */
export const CALL_TIMEOUTS: CallTimeouts = { connectionMs: 2_000, answerMs: 5_000 };

class BoundedHttpHandler extends NodeHttpHandler {
  constructor(private readonly timeouts: CallTimeouts) {
    super({
      connectionTimeout: timeouts.connectionMs,
      requestTimeout: timeouts.answerMs,
      // Without it, @smithy/node-http-handler only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
      socketTimeout: timeouts.answerMs,
    });
  }

  override handle(...[request, options = {}]: Parameters<NodeHttpHandler['handle']>) {
    const signals = [
      AbortSignal.timeout(2 * this.timeouts.answerMs),
      options.abortSignal as AbortSignal | undefined,
      currentStopSignal(),
    ].filter((signal) => signal !== undefined);
    return super.handle(request, { ...options, abortSignal: AbortSignal.any(signals) });
  }
}

/** The request handler every client uses: per-attempt timeouts, aborted by the current stop signal. */
export const makeBoundedHttpHandler = (timeouts: CallTimeouts = CALL_TIMEOUTS) =>
  new BoundedHttpHandler(timeouts);

const common = ({ endpoint, region, timeouts = CALL_TIMEOUTS }: ClientOptions) => ({
  ...(endpoint ? { endpoint } : {}),
  ...(region ? { region } : {}),
  requestHandler: makeBoundedHttpHandler(timeouts),
});

/** Reads: standard retry mode, 3 attempts (full-jitter backoff; throttling backs off from 500 ms). */
export const makeEc2ReadClient = (options: ClientOptions = {}) =>
  new EC2Client({ ...common(options), maxAttempts: 3 });

/**
 * Route writes: more attempts, because a throttled ReplaceRoute during failover is worth waiting for, and
 * adaptive mode: after the first RequestLimitExceeded the client paces itself to the rate EC2 grants
 * (measured: 500 replacements under EC2's 50-token, 5/s mutating bucket in 92 s against a 90 s physical
 * limit, where standard mode needed two invocations and 28% longer at 200). This client only writes routes.
 */
export const makeEc2WriteClient = (options: ClientOptions = {}) =>
  new EC2Client({ ...common(options), maxAttempts: 8, retryMode: 'adaptive' });

export const makeDynamoDbClient = (options: ClientOptions = {}) =>
  new DynamoDBClient({ ...common(options), maxAttempts: 4 });

export const makeDocumentClient = (client: DynamoDBClient) =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

export const makeEventBridgeClient = (options: ClientOptions = {}) =>
  new EventBridgeClient({ ...common(options), maxAttempts: 4 });

export const makeDirectConnectClient = (options: ClientOptions = {}) =>
  new DirectConnectClient({ ...common(options), maxAttempts: 3 });

/** The clients a checking run (drift, doctor) uses; composition roots build them or take given ones. */
export interface CheckClients {
  readonly ec2: EC2Client;
  readonly directConnect: DirectConnectClient;
  readonly dynamodb: DynamoDBClient;
  readonly events: EventBridgeClient;
}

/**
 * Key stores of the heartbeat function (read through Powertools Parameters, which caches). Shorter limits
 * (about 5 s for a store that never answers), so that the keyring's fallback to configured and
 * last-known-good keys leaves the 20 s function time for the table writes and the publish.
 */
export const KEY_STORE_TIMEOUTS: CallTimeouts = { connectionMs: 1_000, answerMs: 2_000 };

export const makeSsmClient = (options: ClientOptions = {}) =>
  new SSMClient({ ...common({ timeouts: KEY_STORE_TIMEOUTS, ...options }), maxAttempts: 2 });

export const makeSecretsManagerClient = (options: ClientOptions = {}) =>
  new SecretsManagerClient({
    ...common({ timeouts: KEY_STORE_TIMEOUTS, ...options }),
    maxAttempts: 2,
  });

/**
 * lk-notify's bus client: few SDK attempts and short timeouts, because the CLI bounds its total send time
 * itself (the abort signal it passes per send) and resends what failed retryably, a stalled attempt
 * included, until its budget is spent.
 */
export const LK_NOTIFY_TIMEOUTS: CallTimeouts = { connectionMs: 2_000, answerMs: 4_000 };

export const makeNodeEventBridgeClient = (region: string) =>
  new EventBridgeClient({ ...common({ region, timeouts: LK_NOTIFY_TIMEOUTS }), maxAttempts: 2 });
