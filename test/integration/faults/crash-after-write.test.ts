/**
 * The invocation dies after its route writes took effect but before the record says so. Either the
 * phase update's connection drops on every SDK attempt (the function errors, the idempotency lock is
 * released), or the whole invocation is cut off from AWS after its first write (a crash: the lock stays
 * until its in-progress expiry). Either way Lambda's retry converges without writing a table twice.
 * A superseded writer whose late write lands after the newer claim's switch is healed by its own
 * (stale) retry, which puts the tables back on the recorded owner.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultWorld, inOrder, openWorld } from './harness';
import { finishFile } from './summary';

interface DynamoBody {
  TableName?: string;
  UpdateExpression?: string;
}

describe('a Lambda crash after the EC2 write, before the record is updated', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await openWorld(import.meta.url, { seed: 701 });
  });
  afterAll(async () => {
    await world?.close();
    finishFile(import.meta.url);
  });

  it('converges on retry with no extra write when the phase update never gets through', async () => {
    // Prepare
    const run = await world.begin('crash: phase update dropped');
    run.proxy.setRules([
      {
        service: 'dynamodb',
        operations: ['UpdateItem'],
        when: (call) => {
          const body = call.body as DynamoBody;
          return (
            body.TableName === run.tables.state &&
            body.UpdateExpression?.startsWith('SET #phase') === true &&
            call.invocation?.endsWith('/1') === true
          );
        },
        fault: { kind: 'drop' },
      },
    ]);
    const failover = run.claim('node2', 2_000);
    // Act
    const log = await run.deliver(inOrder([failover], 0));
    const settled = await run.settle([log]);
    // Assess
    expect(settled.report.violations, settled.historyFile).toEqual([]);
    expect(settled.drifted).toBe(false);
    expect(log.deliveries.map((d) => [d.status, d.attempts, d.outcome?.kind])).toEqual([
      ['applied', 2, 'AlreadyInPlace'],
    ]);
    expect(settled.writes.map((w) => [w.call.invocation, w.eni])).toEqual(
      world.topology.routeTables.map(() => [`${failover.id}/0/1`, run.eni('node2')]),
    );
    expect(settled.record).toMatchObject({ owner: 'node2', orderToken: 2_000, phase: 'APPLIED' });
  });

  it('converges on retry with no table written twice when the invocation is cut off after its first write', async () => {
    // Prepare
    const run = await world.begin('crash: cut off after first write');
    const dead = new Set<string>();
    run.proxy.onCall((call) => {
      if (
        call.operation === 'ReplaceRoute' &&
        call.reachedEmulator &&
        call.invocation?.endsWith('/1')
      )
        dead.add(call.invocation);
    });
    run.proxy.setRules([
      {
        when: (call) => call.invocation !== undefined && dead.has(call.invocation),
        fault: { kind: 'drop' },
      },
    ]);
    const failover = run.claim('node2', 2_000);
    // Act: with the timeout no longer than the wait before the first retry, the lock the dead attempt left
    // expires before that retry. 2 s, not 1 s: the retry must still finish within its timeout on a loaded
    // 2-core machine.
    const log = await run.deliver(inOrder([failover], 0), {
      timeoutMs: 2_000,
      retryDelaysMs: [2_000, 4_000],
    });
    const settled = await run.settle([log]);
    // Assess
    expect(settled.report.violations, settled.historyFile).toEqual([]);
    expect(settled.drifted).toBe(false);
    expect(log.deliveries.map((d) => [d.status, d.attempts])).toEqual([['applied', 2]]);
    const applied = settled.writes.filter((w) => w.call.reachedEmulator);
    expect(applied.map((w) => w.routeTableId).sort()).toEqual(
      [...world.topology.routeTables].sort(),
    );
    expect(settled.record).toMatchObject({ owner: 'node2', orderToken: 2_000, phase: 'APPLIED' });
  });

  // EC2 cannot check fencing tokens, and the writer that clobbered the newer claim is the only one that
  // would notice. When it dies before re-reading the fence, its retry is rejected as stale, but every
  // invocation ends by putting the tables back on the recorded owner: no drift repair is needed.
  it('heals the leftovers of a superseded writer that dies before its fence re-check on its own retry', async () => {
    // Prepare
    const run = await world.begin('crash: superseded writer dies');
    const older = run.claim('node2', 2_000);
    const newer = run.claim('node1', 3_000);
    const dead = new Set<string>();
    // The older claim's writes land only once the newer claim's invocation has published its result (so
    // they clobber it), then everything its invocation sends is dropped: it dies before its fence re-check.
    run.proxy.onCall((call) => {
      if (
        call.operation === 'ReplaceRoute' &&
        call.reachedEmulator &&
        call.invocation === `${older.id}/0/1`
      )
        dead.add(call.invocation);
    });
    run.proxy.setRules([
      {
        when: (call) => call.invocation !== undefined && dead.has(call.invocation),
        fault: { kind: 'drop' },
      },
      {
        service: 'ec2',
        operations: ['ReplaceRoute'],
        when: (call) => call.params.NetworkInterfaceId === run.eni('node2'),
        fault: { kind: 'hold', until: run.finished(newer), maxMs: 10_000 },
      },
    ]);
    // Act
    const log = await run.deliver(
      [
        { eventId: older.id, copy: 0, atMs: 0, event: older.event },
        { eventId: newer.id, copy: 0, atMs: 80, event: newer.event },
      ],
      { timeoutMs: 2_000, retryDelaysMs: [2_000, 4_000] },
    );
    const settled = await run.settle([log]);
    // Assess
    expect(settled.report.violations, settled.historyFile).toEqual([]);
    expect(log.deliveries.map((d) => [d.eventId, d.status, d.outcome?.kind])).toEqual([
      [older.id, 'rejected', 'RejectedStale'],
      [newer.id, 'applied', 'AlreadyInPlace'],
    ]);
    const landed = settled.writes.filter(
      (w) => w.call.reachedEmulator && w.call.invocation === `${older.id}/0/1`,
    );
    expect(landed.map((w) => w.eni)).toContain(run.eni('node2'));
    const healed = settled.writes.filter(
      (w) => w.call.reachedEmulator && w.call.invocation === `${older.id}/0/2`,
    );
    expect(healed.map((w) => w.eni)).toContain(run.eni('node1'));
    expect(settled.drifted).toBe(false);
    expect(settled.record).toMatchObject({ owner: 'node1', orderToken: 3_000 });
    expect(Object.values(settled.targets)).toEqual(
      world.topology.routeTables.map(() => run.eni('node1')),
    );
  });
});
