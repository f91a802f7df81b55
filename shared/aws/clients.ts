import { DirectConnectClient } from '@aws-sdk/client-direct-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { AwsCallError, NETWORK_ROLE_UNAVAILABLE, toAwsCallError } from '../core/errors';
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
  /**
   * Instruments every client made (the functions pass their tracer's captureAWSv3Client: one X-Ray
   * subsegment per AWS call). Given by the composition root, so this layer knows no tracer.
   */
  readonly capture?: (<C extends object>(client: C) => C) | undefined;
  /** Credentials other than the default chain's (the network account's role: networkClients below). */
  readonly credentials?: AwsCredentialIdentityProvider | undefined;
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

const captured = <C extends object>(client: C, { capture }: ClientOptions): C =>
  capture ? capture(client) : client;

const common = ({ endpoint, region, timeouts = CALL_TIMEOUTS, credentials }: ClientOptions) => ({
  ...(endpoint ? { endpoint } : {}),
  ...(region ? { region } : {}),
  ...(credentials ? { credentials } : {}),
  requestHandler: makeBoundedHttpHandler(timeouts),
});

/** Reads: standard retry mode, 3 attempts (full-jitter backoff; throttling backs off from 500 ms). */
export const makeEc2ReadClient = (options: ClientOptions = {}) =>
  captured(new EC2Client({ ...common(options), maxAttempts: 3 }), options);

/**
 * Route writes: more attempts, because a throttled ReplaceRoute during failover is worth waiting for, and
 * adaptive mode: after the first RequestLimitExceeded the client paces itself to the rate EC2 grants
 * (measured: 500 replacements under EC2's 50-token, 5/s mutating bucket in 92 s against a 90 s physical
 * limit, where standard mode needed two invocations and 28% longer at 200). This client only writes routes.
 */
export const makeEc2WriteClient = (options: ClientOptions = {}) =>
  captured(new EC2Client({ ...common(options), maxAttempts: 8, retryMode: 'adaptive' }), options);

/** Its document clients share its middleware, so they are captured with it. */
export const makeDynamoDbClient = (options: ClientOptions = {}) =>
  captured(new DynamoDBClient({ ...common(options), maxAttempts: 4 }), options);

export const makeDocumentClient = (client: DynamoDBClient) =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

export const makeEventBridgeClient = (options: ClientOptions = {}) =>
  captured(new EventBridgeClient({ ...common(options), maxAttempts: 4 }), options);

export const makeDirectConnectClient = (options: ClientOptions = {}) =>
  captured(new DirectConnectClient({ ...common(options), maxAttempts: 3 }), options);

/** The role of a network account that owns the Transit Gateway and the DX gateway (config `network`). */
export interface NetworkRole {
  readonly roleArn: string;
  readonly externalId?: string | undefined;
}

/**
 * Credentials of the network account's role: STS AssumeRole through the SDK's own provider, called with
 * the default chain's credentials (the function's role) and the same bounded timeouts as every other call.
 * The client that uses it caches the credentials and renews them before they expire. A failed AssumeRole
 * becomes an AwsCallError `NetworkRoleUnavailable` naming the role, classified by the one retry rule
 * (AccessDenied is not retryable; a timeout is).
 */
export const networkRoleCredentials = (
  role: NetworkRole,
  sessionName: string,
  options: ClientOptions = {},
): AwsCredentialIdentityProvider => {
  const { credentials: _ignored, ...stsOptions } = options;
  const assume = fromTemporaryCredentials({
    params: {
      RoleArn: role.roleArn,
      RoleSessionName: sessionName,
      ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
    },
    clientConfig: { ...common(stsOptions), maxAttempts: 3 },
  });
  return async (properties) => {
    try {
      return await assume(properties);
    } catch (error) {
      const failure = toAwsCallError(error);
      throw new AwsCallError(
        `${NETWORK_ROLE_UNAVAILABLE}: could not assume ${role.roleArn}: ${failure.code}: ${failure.message}`,
        NETWORK_ROLE_UNAVAILABLE,
        failure.retryable,
        { cause: error },
      );
    }
  };
};

/** What is read and written in the account that owns the Transit Gateway: its routes and its DX gateway. */
export interface NetworkClients {
  /** The role these clients act as; undefined for routekeeper's own account. */
  readonly role: NetworkRole | undefined;
  readonly ec2Read: EC2Client;
  readonly ec2Write: EC2Client;
  /** Only where Direct Connect is read (drift, doctor): routeSwitch never bundles that client. */
  readonly directConnect?: DirectConnectClient | undefined;
}

/**
 * The network clients of each cluster: routekeeper's own clients for a cluster without `network`, else one
 * set per role (built on first use, once per container), whose calls run as that role.
 */
export type NetworkClientsOf = (role: NetworkRole | undefined) => NetworkClients;

export const networkClients = (
  own: Omit<NetworkClients, 'role'>,
  sessionName: string,
  options: ClientOptions = {},
  makeDirectConnect?: (options: ClientOptions) => DirectConnectClient,
): NetworkClientsOf => {
  const byRole = new Map<string, NetworkClients>();
  return (role) => {
    if (role === undefined) return { role, ...own };
    const key = `${role.roleArn}\n${role.externalId ?? ''}`;
    let clients = byRole.get(key);
    if (clients === undefined) {
      const assumed = {
        ...options,
        credentials: networkRoleCredentials(role, sessionName, options),
      };
      clients = {
        role,
        ec2Read: makeEc2ReadClient(assumed),
        ec2Write: makeEc2WriteClient(assumed),
        ...(makeDirectConnect === undefined ? {} : { directConnect: makeDirectConnect(assumed) }),
      };
      byRole.set(key, clients);
    }
    return clients;
  };
};

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
  captured(
    new SSMClient({ ...common({ timeouts: KEY_STORE_TIMEOUTS, ...options }), maxAttempts: 2 }),
    options,
  );

export const makeSecretsManagerClient = (options: ClientOptions = {}) =>
  captured(
    new SecretsManagerClient({
      ...common({ timeouts: KEY_STORE_TIMEOUTS, ...options }),
      maxAttempts: 2,
    }),
    options,
  );

/**
 * lk-notify's bus client: few SDK attempts and short timeouts, because the CLI bounds its total send time
 * itself (the abort signal it passes per send) and resends what failed retryably, a stalled attempt
 * included, until its budget is spent.
 */
export const LK_NOTIFY_TIMEOUTS: CallTimeouts = { connectionMs: 2_000, answerMs: 4_000 };

export const makeNodeEventBridgeClient = (region: string) =>
  new EventBridgeClient({ ...common({ region, timeouts: LK_NOTIFY_TIMEOUTS }), maxAttempts: 2 });

/**
 * lk-notify's read-only views: the VIP's route tables (`failover --wait`, `check`) and its claim state.
 * Short timeouts and two attempts; the CLI passes an abort signal for what remains of its budget, so a
 * stalled endpoint never holds LifeKeeper's script longer than that.
 */
export const makeNodeEc2Client = (region: string) =>
  new EC2Client({ ...common({ region, timeouts: LK_NOTIFY_TIMEOUTS }), maxAttempts: 2 });

export const makeNodeDocumentClient = (region: string) =>
  makeDocumentClient(
    new DynamoDBClient({ ...common({ region, timeouts: LK_NOTIFY_TIMEOUTS }), maxAttempts: 2 }),
  );
