/**
 * Faults raised by adapters, in the domain's words. Expected rejections are values (see outcomes.ts);
 * these are for calls that failed. `retryable` says whether trying again later can help
 * (throttling, 5xx, network) or not (4xx: the request or the environment must change first).
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

/** A publish to the bus was not fully accepted (FailedEntryCount > 0). */
export class PublishError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PublishError';
  }
}

/** A switch left work that a later attempt can finish (throttled or 5xx writes); the event is retried. */
export class RetryableSwitchError extends Error {
  constructor(
    message: string,
    readonly failures: readonly { routeTableId: string; code: string }[],
  ) {
    super(message);
    this.name = 'RetryableSwitchError';
  }
}

export const asAwsCallError = (error: unknown): AwsCallError =>
  error instanceof AwsCallError
    ? error
    : new AwsCallError(error instanceof Error ? error.message : String(error), 'Unknown', false, {
        cause: error,
      });
