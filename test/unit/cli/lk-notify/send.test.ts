/**
 * lk-notify's side of a PutEvents partial failure: the very same entry is resent while the failure is
 * retryable, never past the time budget; permanent refusals are not retried.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sendWithRetries } from '../../../../cli/lk-notify/send';
import { type BusEntry, makeEntrySender } from '../../../../shared/aws/event-bus';

const entry: BusEntry = {
  EventBusName: 'routekeeper-test',
  Source: 'lifekeeper.lk-demo.node1',
  DetailType: 'LifeKeeper Failover',
  Detail: '{"lkrc":"1"}',
};

/** A virtual clock: sleeping advances it, so budgets are exact and tests are instant. */
const virtualTime = () => {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    policy: {
      budgetMs: 10_000,
      firstDelayMs: 250,
      maxDelayMs: 4_000,
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
      random: () => 1,
    },
  };
};

describe('sendWithRetries through the real entry sender', () => {
  const eventBridge = mockClient(EventBridgeClient);
  const send = makeEntrySender(new EventBridgeClient({ region: 'us-east-1' }));
  afterEach(() => eventBridge.reset());

  it('resends the identical entry after FailedEntryCount > 0 with a throttling code, and succeeds', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-2' }] });
    const time = virtualTime();
    // Act
    const delivery = await sendWithRetries(entry, send, time.policy);
    // Assess
    expect(delivery).toEqual({ delivered: true, eventId: 'evt-2', attempts: 2 });
    const sent = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries);
    expect(sent).toEqual([[entry], [entry]]);
    expect(time.sleeps).toEqual([250]);
  });

  it('gives up with a retryable result when the bus keeps refusing until the budget is spent', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }],
    });
    const time = virtualTime();
    // Act
    const delivery = await sendWithRetries(entry, send, time.policy);
    // Assess
    expect(delivery).toMatchObject({ delivered: false, retryable: true, code: 'InternalFailure' });
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(time.sleeps).toEqual([250, 500, 1_000, 2_000, 4_000, 2_250]);
  });

  it('does not resend an entry the bus refused for good', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'no' }],
    });
    // Act
    const delivery = await sendWithRetries(entry, send, virtualTime().policy);
    // Assess
    expect(delivery).toMatchObject({ delivered: false, retryable: false, attempts: 1 });
  });

  it('does not resend after an access-denied request error', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).rejects(
      Object.assign(new Error('denied'), {
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    // Act
    const delivery = await sendWithRetries(entry, send, virtualTime().policy);
    // Assess
    expect(delivery).toMatchObject({
      delivered: false,
      retryable: false,
      code: 'AccessDeniedException',
      attempts: 1,
    });
  });

  it('retries a request that failed with a 5xx', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(
        Object.assign(new Error('boom'), {
          name: 'InternalException',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
        }),
      )
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
    // Act
    const delivery = await sendWithRetries(entry, send, virtualTime().policy);
    // Assess
    expect(delivery).toEqual({ delivered: true, eventId: 'evt-1', attempts: 2 });
  });
});
