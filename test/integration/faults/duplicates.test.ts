/**
 * One failover delivered several times (EventBridge and Lambda are at-least-once): the idempotency key
 * lets one copy run; a concurrent copy fails with IdempotencyAlreadyInProgressError and its retry gets
 * the stored result; a late copy gets the stored result at once. One write per table, one result event.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLETED } from '../../../shared/events/route-switch-result';
import { type FaultWorld, openWorld } from './harness';
import { finishFile } from './summary';

describe('duplicate deliveries of one failover', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await openWorld(import.meta.url, { seed: 201 });
  });
  afterAll(async () => {
    await world?.close();
    finishFile(import.meta.url);
  });

  it('writes each table once and publishes one result when four copies arrive, two at once', async () => {
    // Prepare
    const run = await world.begin('duplicates: 4 copies, 2 at once');
    const failover = run.claim('node2', 2_000);
    const plan = [0, 0, 30, 900].map((atMs, copy) => ({
      eventId: failover.id,
      copy,
      atMs,
      event: failover.event,
    }));
    // Act
    const log = await run.deliver(plan);
    const settled = await run.settle([log]);
    // Assess
    expect(settled.report.violations, settled.historyFile).toEqual([]);
    expect(settled.drifted).toBe(false);
    expect(log.deliveries.map((d) => [d.status, d.outcome?.kind])).toEqual(
      plan.map(() => ['applied', 'Switched']),
    );
    expect(settled.writes.map((w) => w.routeTableId).sort()).toEqual(
      [...world.topology.routeTables].sort(),
    );
    expect(log.invocations.filter((i) => i.error !== undefined).map((i) => i.error)).toContainEqual(
      expect.stringContaining('IdempotencyAlreadyInProgressError'),
    );
    expect((await run.published()).map((e) => [e.detailType, e.detail.outcome])).toEqual([
      [COMPLETED, 'Switched'],
    ]);
  });

  it('still writes each table once when the answers to the idempotency lock and the fence are lost', async () => {
    // Prepare
    const run = await world.begin('duplicates: lock and fence answers lost');
    const failover = run.claim('node2', 2_000);
    const plan = [0, 20, 40].map((atMs, copy) => ({
      eventId: failover.id,
      copy,
      atMs,
      event: failover.event,
    }));
    // The write takes effect, the answer never arrives: the SDK retries a write that already happened.
    run.proxy.setRules([
      {
        service: 'dynamodb',
        operations: ['PutItem', 'UpdateItem'],
        limit: 2,
        fault: { kind: 'drop', afterForwarding: true },
      },
    ]);
    // Act: with the timeout no longer than the wait before the first retry, a lock whose answer was lost
    // expires before that retry. 2 s, not 1 s: the retry that wins the lock must still finish within its
    // timeout on a loaded 2-core machine.
    const log = await run.deliver(plan, { timeoutMs: 2_000, retryDelaysMs: [2_000, 4_000] });
    const settled = await run.settle([log]);
    // Assess
    expect(settled.report.violations, settled.historyFile).toEqual([]);
    expect(settled.drifted).toBe(false);
    expect(log.deadLetters).toEqual([]);
    const applied = settled.writes.filter((w) => w.call.reachedEmulator);
    expect(applied.map((w) => w.routeTableId).sort()).toEqual(
      [...world.topology.routeTables].sort(),
    );
    expect(settled.record).toMatchObject({ owner: 'node2', orderToken: 2_000, phase: 'APPLIED' });
  });
});
