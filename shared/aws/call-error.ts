import { AwsCallError } from '../domain/errors';

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
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

/** Failures with no HTTP answer at all: the request may not have arrived, so trying again is safe. */
const NETWORK = new Set([
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Translate an SDK error (after the SDK's own retries) into the domain's AwsCallError.
 * Retryable: throttling, 5xx, and network failures with no HTTP response (timeouts, dropped connections).
 * Everything else (a 4xx, or a programming error) is reported, not retried.
 */
export const toAwsCallError = (error: unknown, operation: string): AwsCallError => {
  if (error instanceof AwsCallError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const code = shape.Code ?? shape.name ?? 'Unknown';
  const status = shape.$metadata?.httpStatusCode;
  const retryable =
    THROTTLING.has(code) ||
    shape.$fault === 'server' ||
    (status !== undefined && status >= 500) ||
    (status === undefined && (NETWORK.has(code) || NETWORK.has(shape.code ?? '')));
  const message = `${operation} failed: ${code}: ${shape.message ?? String(error)}`;
  return new AwsCallError(message, code, retryable, { cause: error });
};

/** Run an SDK call and translate its failure. */
export const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (error) {
    throw toAwsCallError(error, operation);
  }
};
