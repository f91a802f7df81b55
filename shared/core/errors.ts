/**
 * Faults, in the domain's words. Expected rejections are values (outcomes); these are for calls that
 * failed. `retryable` says whether trying again later can help.
 *
 * The one retry rule, used by the Lambdas, the CLIs and the node notifier alike:
 * - a failure with an HTTP answer is classified by it: throttling and 5xx are retryable, any other 4xx is
 *   not (the request or the environment must change first);
 * - a failure without an HTTP answer (a timeout, a dropped connection, or an error routekeeper cannot
 *   classify) is retryable; so is an answer that never completed (a 2xx whose body was cut off or timed
 *   out: the SDK reports its status, but nothing was refused). Every effect of routekeeper is idempotent (fenced, diff-based writes; a resent
 *   claim keeps its message id) and every retry is bounded (the SDK's attempts, lk-notify's budget, Lambda's
 *   retries, then the dead-letter queue), so retrying the unknown costs little and loses nothing, while
 *   giving up on a transient failure would leave a VIP routed to a dead node.
 */
export class AwsCallError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AwsCallError';
  }
}

/**
 * The code of the error a call through a network account's role throws when the role cannot be assumed
 * (shared/aws/clients.ts), and the first word of its message: the checks name the role in their fix.
 */
export const NETWORK_ROLE_UNAVAILABLE = 'NetworkRoleUnavailable';

/** A publish to the bus was not fully accepted (FailedEntryCount > 0). */
export class PublishError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PublishError';
  }
}

/** The same idempotency key came again with another payload (for a switch: another node or ENI). */
export class IdempotencyKeyReusedError extends Error {
  constructor(options?: ErrorOptions) {
    super('idempotency key reused for another node or ENI', options);
    this.name = 'IdempotencyKeyReusedError';
  }
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

const THROTTLING = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
]);

/** Classify any failure by the rule above; an AwsCallError keeps its own classification. */
export const toAwsCallError = (error: unknown, operation?: string): AwsCallError => {
  if (error instanceof AwsCallError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const code = shape.Code ?? shape.code ?? shape.name ?? 'Unknown';
  const status = shape.$metadata?.httpStatusCode;
  const retryable =
    THROTTLING.has(code) ||
    shape.$fault === 'server' ||
    status === undefined ||
    status < 400 ||
    status >= 500 ||
    status === 429;
  const text = shape.message ?? String(error);
  const message = operation === undefined ? text : `${operation} failed: ${code}: ${text}`;
  return new AwsCallError(message, code, retryable, { cause: error });
};
