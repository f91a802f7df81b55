import type { Context } from 'aws-lambda';
import { runAs } from '../../../dev/invocation-scope';
import { between, type Random } from '../../../dev/seeded-random';
import type { OutcomeKind, SwitchOutcome } from '../../../shared/domain/switch/outcomes';

/**
 * Carries `Route Switch Requested` events to routeSwitch invocations the way EventBridge and Lambda's
 * asynchronous invocation do, minus the waiting: at least once, in any order, concurrently. A delivery
 * starts at its planned time whatever else is running, in an idle "container" (a handler built once,
 * reused, as Lambda reuses execution environments) or a new one. An invocation that throws is retried
 * up to two more times after the modelled delays, then the delivery goes to the dead-letter list (the
 * on-failure destination).
 *
 * Time is compressed, but the orders that matter are kept. The retry waits are AWS's 1 and 2 minutes
 * at 1:60 (1 and 2 s). The function timeout (60 s in AWS) becomes 3 s, the sum of the two waits, so that,
 * as in AWS, the last attempt always comes after an earlier attempt's idempotency lock (held for that
 * attempt's remaining time) has expired, while a normal invocation (about 100 ms here) and the SDK's
 * own, unscaled backoff stay well inside it. When the timeout passes, middy abandons the handler, as
 * it would in AWS. Scenarios about lock expiry pass a shorter timeout.
 */

export type Invoke = (event: unknown, context: Context) => Promise<SwitchOutcome>;

export interface Delivery {
  readonly eventId: string;
  /** 0 for the first copy of an event, 1.. for duplicates. */
  readonly copy: number;
  /** When to deliver, in ms after the start of the run. */
  readonly atMs: number;
  readonly event: unknown;
}

export interface InvocationRecord {
  /** `<eventId>/<copy>/<attempt>`: what the fault proxy attributes calls to. */
  readonly id: string;
  readonly eventId: string;
  readonly copy: number;
  readonly attempt: number;
  readonly container: number;
  readonly startedAt: number;
  endedAt?: number;
  outcome?: SwitchOutcome;
  error?: string;
}

export type DeliveryStatus = 'applied' | 'rejected' | 'deadLettered';

export interface DeliveryResult {
  readonly eventId: string;
  readonly copy: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** The last outcome, for applied and rejected deliveries. */
  readonly outcome?: SwitchOutcome;
  /** One per failed attempt. */
  readonly errors: readonly string[];
}

export interface DeliveryLog {
  readonly invocations: readonly InvocationRecord[];
  readonly deliveries: readonly DeliveryResult[];
  readonly deadLetters: readonly DeliveryResult[];
}

/** Outcomes that fence a request off or refuse it: nothing may be written on their behalf. */
export const REJECTIONS: readonly OutcomeKind[] = [
  'RejectedStale',
  'SplitBrainSuspected',
  'Refused',
];

export const isRejection = (outcome: SwitchOutcome): boolean => REJECTIONS.includes(outcome.kind);

export interface DeliveryOptions {
  /** Builds a fresh container (a cold start). */
  readonly newContainer: () => Invoke;
  /** Waits before the second and third attempt. */
  readonly retryDelaysMs?: readonly [number, number];
  /** The function timeout each attempt starts with (what getRemainingTimeInMillis counts down from); default: the sum of the retry waits. */
  readonly timeoutMs?: number;
}

export interface PlanOptions {
  /** Each copy is delivered at a uniformly random time in [0, maxDelayMs]. */
  readonly maxDelayMs: number;
  /** Probability that an event gets duplicate copies... */
  readonly duplicateRate: number;
  /** ...and how many at most. */
  readonly maxDuplicates: number;
}

/** A seeded delivery plan: random delays reorder the events; some are delivered more than once. */
export const planDeliveries = (
  events: readonly { readonly id: string; readonly event: unknown }[],
  random: Random,
  options: PlanOptions,
): Delivery[] =>
  events
    .flatMap(({ id, event }) => {
      const copies =
        1 + (random() < options.duplicateRate ? between(random, 1, options.maxDuplicates) : 0);
      return Array.from({ length: copies }, (_, copy) => ({
        eventId: id,
        copy,
        atMs: between(random, 0, options.maxDelayMs),
        event,
      }));
    })
    .sort((a, b) => a.atMs - b.atMs);

const lambdaContext = (invocation: string, timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'routekeeper-faults-routeSwitch',
    functionVersion: '$LATEST',
    invokedFunctionArn:
      'arn:aws:lambda:us-east-1:123456789012:function:routekeeper-faults-routeSwitch',
    memoryLimitInMB: '256',
    awsRequestId: invocation,
    logGroupName: '/aws/lambda/routekeeper-faults-routeSwitch',
    logStreamName: 'faults',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/** `Name: message`, followed by the causes' (an idempotency error wraps the SDK error that caused it). */
const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` <- ${describeError(error.cause)}` : '';
  return `${error.name}: ${error.message}${cause}`;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Deliver every planned copy, with Lambda's async retries, and wait until each one has ended. */
export const deliver = async (
  plan: readonly Delivery[],
  options: DeliveryOptions,
): Promise<DeliveryLog> => {
  const [firstRetryMs, secondRetryMs] = options.retryDelaysMs ?? [1_000, 2_000];
  const timeoutMs = options.timeoutMs ?? firstRetryMs + secondRetryMs;
  const idle: { id: number; invoke: Invoke }[] = [];
  let containers = 0;
  const invocations: InvocationRecord[] = [];

  const attempt = async (delivery: Delivery, number: number): Promise<InvocationRecord> => {
    const container = idle.pop() ?? { id: containers++, invoke: options.newContainer() };
    const id = `${delivery.eventId}/${delivery.copy}/${number}`;
    const record: InvocationRecord = {
      id,
      eventId: delivery.eventId,
      copy: delivery.copy,
      attempt: number,
      container: container.id,
      startedAt: performance.now(),
    };
    invocations.push(record);
    try {
      const event = structuredClone(delivery.event);
      record.outcome = await runAs(id, () => container.invoke(event, lambdaContext(id, timeoutMs)));
      idle.push(container);
    } catch (error) {
      record.error = describeError(error);
      // After a timeout Lambda starts a fresh execution environment; after an error it reuses it.
      if (!(error instanceof Error && error.name === 'TimeoutError')) idle.push(container);
    } finally {
      record.endedAt = performance.now();
    }
    return record;
  };

  const run = async (delivery: Delivery): Promise<DeliveryResult> => {
    await sleep(delivery.atMs);
    const errors: string[] = [];
    const waits = [0, firstRetryMs, secondRetryMs];
    for (let number = 1; number <= waits.length; number++) {
      if (number > 1) await sleep(waits[number - 1] ?? 0);
      const record = await attempt(delivery, number);
      const { eventId, copy } = delivery;
      if (record.outcome !== undefined) {
        const status = isRejection(record.outcome) ? 'rejected' : 'applied';
        return { eventId, copy, status, attempts: number, outcome: record.outcome, errors };
      }
      errors.push(record.error ?? 'unknown error');
    }
    const { eventId, copy } = delivery;
    return { eventId, copy, status: 'deadLettered', attempts: waits.length, errors };
  };

  const deliveries = await Promise.all(plan.map(run));
  return {
    invocations,
    deliveries,
    deadLetters: deliveries.filter((result) => result.status === 'deadLettered'),
  };
};
