import type { BusEntry, EntryResult } from '../../shared/aws/event-bus';
import { toAwsCallError } from '../../shared/core/errors';

export type SendEntry = (entry: BusEntry, abortSignal?: AbortSignal) => Promise<EntryResult>;

export type Delivery =
  | { readonly delivered: true; readonly eventId: string; readonly attempts: number }
  | {
      readonly delivered: false;
      readonly retryable: boolean;
      readonly code: string;
      readonly message: string;
      readonly attempts: number;
    };

export interface SendPolicy {
  /** Total time for every attempt and pause together. */
  readonly budgetMs: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/**
 * Put one entry, resending the very same entry (same msgId, same signatures) after a retryable failure:
 * the bus refusing it (FailedEntryCount > 0 with a throttling or internal code) or the request failing
 * (network, 5xx). Full-jitter exponential pauses; nothing runs past the budget. Routekeeper dedupes on
 * the msgId, so a resend of an entry that did land has no second effect.
 */
export const sendWithRetries = async (
  entry: BusEntry,
  send: SendEntry,
  policy: SendPolicy,
): Promise<Delivery> => {
  const deadline = policy.now() + policy.budgetMs;
  let delay = policy.firstDelayMs;
  let attempts = 0;
  let last = { code: 'Timeout', message: 'no attempt finished within the time budget' };
  for (;;) {
    const remaining = deadline - policy.now();
    if (remaining <= 0) return { delivered: false, retryable: true, ...last, attempts };
    attempts += 1;
    try {
      const result = await send(entry, AbortSignal.timeout(remaining));
      if (result.accepted) return { delivered: true, eventId: result.eventId, attempts };
      if (!result.retryable) {
        return {
          delivered: false,
          retryable: false,
          code: result.code,
          message: result.message,
          attempts,
        };
      }
      last = { code: result.code, message: result.message };
    } catch (error) {
      const failure = toAwsCallError(error);
      if (!failure.retryable) {
        return {
          delivered: false,
          retryable: false,
          code: failure.code,
          message: failure.message,
          attempts,
        };
      }
      last = { code: failure.code, message: failure.message };
    }
    const pause = Math.min(policy.random() * delay, Math.max(0, deadline - policy.now()));
    if (pause > 0) await policy.sleep(pause);
    delay = Math.min(delay * 2, policy.maxDelayMs);
  }
};
