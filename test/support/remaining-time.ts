import type { Context } from 'aws-lambda';
import { expect } from 'vitest';
import { lambdaContext } from './events';

/** Milliseconds a guarded invocation gets, and the STOP_BEFORE_TIMEOUT_MS the guard tests set. */
export const REMAINING_MS = 1_500;
export const STOP_BEFORE_MS = '500';

/**
 * Invoke a handler with 1.5 s left (the guard stops 0.5 s before) and assert it failed retryable at about
 * 1 s: after the guard fired, before Lambda's own timeout.
 */
export const expectStopBeforeTimeout = async (invoke: (context: Context) => Promise<unknown>) => {
  const started = Date.now();
  const error = await invoke(lambdaContext(REMAINING_MS)).then(
    () => undefined,
    (e: unknown) => e,
  );
  const elapsedMs = Date.now() - started;
  expect(error).toMatchObject({ name: 'AwsCallError', retryable: true });
  expect(elapsedMs).toBeGreaterThanOrEqual(900);
  expect(elapsedMs).toBeLessThan(1_400);
};
