import { AsyncLocalStorage } from 'node:async_hooks';
import { AwsCallError, toAwsCallError } from './errors';

/**
 * When work must stop: a Lambda invocation shortly before its timeout, the doctor at its --timeout,
 * lk-notify at the end of its budget. Work run under a stop signal (runUntil) rejects with a retryable
 * AwsCallError when the signal fires, and every AWS request it makes is aborted (the clients read
 * `currentStopSignal`), so nothing keeps running after the caller gave up, not even in the next
 * invocation of a reused Lambda container. The signal follows the work's own async context: work
 * abandoned by an earlier invocation keeps its (fired) signal.
 */
const scope = new AsyncLocalStorage<AbortSignal>();

/** The stop signal of the work this call belongs to, if any. */
export const currentStopSignal = (): AbortSignal | undefined => scope.getStore();

/** Run `work` under `signal`: it rejects with the signal's reason, as a retryable AwsCallError, when the signal fires. */
export const runUntil = async <T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> => {
  let onAbort: () => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(toAwsCallError(signal.reason));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([scope.run(signal, work), stopped]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
};

/**
 * A Lambda invocation's stop signal: it fires `marginMs` before the remaining time runs out, leaving time
 * to record the outcome and to fail the invocation cleanly, so that Lambda retries the event.
 */
export const stopBeforeTimeout = (remainingMs: number, marginMs: number): AbortSignal => {
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new AwsCallError(
          `stopped ${marginMs} ms before the function timeout; the event will be retried`,
          'DeadlineExceeded',
          true,
        ),
      ),
    Math.max(0, remainingMs - marginMs),
  );
  timer.unref();
  return controller.signal;
};
