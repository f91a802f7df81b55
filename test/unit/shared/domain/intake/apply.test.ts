/**
 * The effect of a verified notification, over in-memory ports; and the Lambda side of a PutEvents partial
 * failure, through the real bus adapter with the EventBridge client mocked.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { makeEventPublisher } from '../../../../../shared/aws/event-bus';
import { PublishError } from '../../../../../shared/core/errors';
import type { EventPublisher } from '../../../../../shared/core/ports';
import { type ApplyDeps, applyNotification } from '../../../../../shared/domain/intake/apply';
import type { VerifiedNotification } from '../../../../../shared/domain/intake/check';
import type { Heartbeat } from '../../../../../shared/domain/intake/ports';
import type { VipRecord } from '../../../../../shared/domain/switch/ports';
import { RouteSwitchRequested } from '../../../../../shared/events/route-switch-requested';
import {
  CLUSTER,
  check,
  checkDeps,
  failoverEvent,
  heartbeatEvent,
  T0,
  VIP,
} from '../../../../support/lkrc';

const verified = async (event: unknown): Promise<VerifiedNotification> => {
  const outcome = await check(event, checkDeps(T0 + 2_000));
  if (outcome.kind !== 'Verified') throw new Error(`fixture rejected: ${outcome.reason}`);
  return outcome;
};

const record = (owner: string): VipRecord => ({
  cluster: CLUSTER,
  vip: VIP,
  owner,
  eni: 'eni-0a1b2c3d4e5f60711',
  orderToken: T0 - 60_000,
  idempotencyKey: 'k',
  reason: 'failover',
  phase: 'APPLIED',
  updatedAt: new Date(T0).toISOString(),
});

const world = (
  options: { owner?: string; newerRecorded?: boolean; previousSeenAtMs?: number } = {},
) => {
  const published: { detailType: string; detail: object }[] = [];
  const beats: Heartbeat[] = [];
  const bus: EventPublisher = {
    publish: async (detailType, detail) => {
      published.push({ detailType, detail });
    },
  };
  const deps: ApplyDeps = {
    bus,
    now: () => new Date(T0 + 2_000),
    state: { read: async () => (options.owner === undefined ? undefined : record(options.owner)) },
    liveness: {
      record: async (beat) => {
        beats.push(beat);
        if (options.newerRecorded) return { recorded: false };
        return options.previousSeenAtMs === undefined
          ? { recorded: true }
          : { recorded: true, previousSeenAtMs: options.previousSeenAtMs };
      },
    },
  };
  return { deps, published, beats };
};

describe('applyNotification', () => {
  it('turns a failover claim into a Route Switch Requested ordered by the signed claim time', async () => {
    // Prepare
    const { deps, published } = world();
    const notification = await verified(
      failoverEvent({ node: 'node2', kids: ['node2.2026-11'], nowMs: T0 + 123 }),
    );
    // Act
    const outcome = await applyNotification(notification, deps);
    // Assess
    expect(published).toHaveLength(1);
    expect(published[0]?.detailType).toBe('Route Switch Requested');
    const detail = RouteSwitchRequested.parse(published[0]?.detail);
    expect(detail).toMatchObject({
      cluster: CLUSTER,
      vip: VIP,
      node: 'node2',
      orderToken: T0 + 123,
      idempotencyKey: `failover#${CLUSTER}#${VIP}#node2#${T0 + 123}`,
      reason: 'failover',
    });
    expect(outcome).toMatchObject({ kind: 'FailoverRequested', orderToken: T0 + 123 });
  });

  it('never lets a node whose clock runs ahead order its claim after the time routekeeper received it', async () => {
    // Prepare: node2's clock runs 240 s fast; node1 claims for real a minute after node2's claim arrived.
    const fast = world();
    const slow = world();
    const early = await check(
      failoverEvent({ node: 'node2', kids: ['node2.2026-11'], nowMs: T0 + 240_000 }),
      checkDeps(T0),
    );
    const late = await check(
      failoverEvent({ node: 'node1', nowMs: T0 + 60_000 }),
      checkDeps(T0 + 60_000),
    );
    if (early.kind !== 'Verified' || late.kind !== 'Verified') throw new Error('fixture rejected');
    // Act
    const accepted = await applyNotification(early, fast.deps);
    await applyNotification(late, slow.deps);
    // Assess
    const node2 = RouteSwitchRequested.parse(fast.published[0]?.detail);
    const node1 = RouteSwitchRequested.parse(slow.published[0]?.detail);
    expect(node2.orderToken).toBe(T0);
    expect(node1.orderToken).toBe(T0 + 60_000);
    expect(node1.orderToken).toBeGreaterThan(node2.orderToken);
    expect(accepted).toMatchObject({ kind: 'FailoverRequested', clockSkewMs: -240_000 });
  });

  it('keeps the idempotency key of a claim whose redelivery arrives later, even when the cap moves its token', async () => {
    // Prepare: the node's clock runs 100 s fast; the same signed message arrives twice, 30 s apart.
    const event = failoverEvent({ node: 'node2', kids: ['node2.2026-11'], nowMs: T0 + 100_000 });
    const first = await check(structuredClone(event), checkDeps(T0));
    const again = await check(structuredClone(event), checkDeps(T0 + 30_000));
    if (first.kind !== 'Verified' || again.kind !== 'Verified') throw new Error('fixture rejected');
    const one = world();
    const two = world();
    // Act
    await applyNotification(first, one.deps);
    await applyNotification(again, two.deps);
    // Assess
    const a = RouteSwitchRequested.parse(one.published[0]?.detail);
    const b = RouteSwitchRequested.parse(two.published[0]?.detail);
    expect([a.orderToken, b.orderToken]).toEqual([T0, T0 + 30_000]);
    expect(b.idempotencyKey).toBe(a.idempotencyKey);
    expect(a.idempotencyKey).toBe(`failover#${CLUSTER}#${VIP}#node2#${T0 + 100_000}`);
  });

  it('records liveness with clock skew and heartbeat age, and leaves the routes alone when the owner holds the VIP', async () => {
    // Prepare
    const { deps, published, beats } = world({ owner: 'node1', previousSeenAtMs: T0 - 28_000 });
    // Act
    const outcome = await applyNotification(await verified(heartbeatEvent({ vips: [VIP] })), deps);
    // Assess
    expect(beats).toEqual([
      expect.objectContaining({
        node: 'node1',
        sentAt: T0,
        receivedAtMs: T0 + 2_000,
        vipsHeld: [VIP],
      }),
    ]);
    expect(outcome).toMatchObject({
      kind: 'HeartbeatRecorded',
      clockSkewMs: 2_000,
      heartbeatAgeMs: 30_000,
      mismatches: [],
      bootstrapped: [],
    });
    expect(published).toEqual([]);
  });

  it('reports an ownership mismatch when the fence record names another node', async () => {
    // Prepare
    const { deps, published } = world({ owner: 'node2' });
    // Act
    const outcome = await applyNotification(await verified(heartbeatEvent({ vips: [VIP] })), deps);
    // Assess
    expect(outcome).toMatchObject({ mismatches: [{ vip: VIP, owner: 'node2' }], bootstrapped: [] });
    expect(published).toEqual([]);
  });

  it('bootstraps a held VIP that has no fence record yet', async () => {
    // Prepare
    const { deps, published } = world();
    // Act
    const outcome = await applyNotification(await verified(heartbeatEvent({ vips: [VIP] })), deps);
    // Assess
    expect(outcome).toMatchObject({ bootstrapped: [VIP] });
    expect(published.map((p) => p.detail)).toEqual([
      expect.objectContaining({ reason: 'bootstrap', node: 'node1', orderToken: T0 }),
    ]);
  });

  it('changes nothing for a heartbeat older than the one recorded', async () => {
    // Prepare
    const { deps, published } = world({ newerRecorded: true });
    // Act
    const outcome = await applyNotification(await verified(heartbeatEvent({ vips: [VIP] })), deps);
    // Assess
    expect(outcome).toMatchObject({ outOfOrder: true, bootstrapped: [], mismatches: [] });
    expect(published).toEqual([]);
  });
});

describe('applyNotification when the bus refuses the Route Switch Requested', () => {
  const eventBridge = mockClient(EventBridgeClient);
  afterEach(() => eventBridge.reset());

  it('throws PublishError on FailedEntryCount > 0, so the message id is released and the event retried', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    const { deps } = world();
    const bus = makeEventPublisher(new EventBridgeClient({ region: 'us-east-1' }), 'bus');
    // Act
    const run = applyNotification(await verified(failoverEvent({})), { ...deps, bus });
    // Assess
    await expect(run).rejects.toBeInstanceOf(PublishError);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });
});
