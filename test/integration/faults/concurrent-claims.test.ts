/**
 * Two claims for the same VIP in flight at once. With different order tokens the newer one wins, even
 * when the older claim's route writes are held up and land after the newer claim finished: the older
 * invocation re-reads the fence after writing and reconciles to the newer owner. With equal tokens from
 * two nodes exactly one wins; the other is SplitBrainSuspected and writes nothing.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultWorld, openWorld } from './harness';
import { finishFile } from './summary';

describe('concurrent claims for the same VIP', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await openWorld(import.meta.url, { seed: 301 });
  });
  afterAll(async () => {
    await world?.close();
    finishFile(import.meta.url);
  });

  it('reconciles to the newer claim when the older claim writes after the newer one finished', async () => {
    // Prepare
    const run = await world.begin('concurrent: older claim writes last');
    const older = run.claim('node2', 2_000);
    const newer = run.claim('node1', 3_000);
    // Hold node2's route writes until node1's whole switch has run (its result published) in between.
    run.proxy.setRules([
      {
        service: 'ec2',
        operations: ['ReplaceRoute'],
        when: (call) => call.params.NetworkInterfaceId === run.eni('node2'),
        fault: { kind: 'hold', until: run.finished(newer), maxMs: 10_000 },
      },
    ]);
    // Act
    const log = await run.deliver([
      { eventId: older.id, copy: 0, atMs: 0, event: older.event },
      { eventId: newer.id, copy: 0, atMs: 80, event: newer.event },
    ]);
    const settled = await run.settle([log]);
    // Assess
    expect(settled.report.violations, settled.historyFile).toEqual([]);
    expect(settled.drifted).toBe(false);
    const olderResult = log.deliveries.find((d) => d.eventId === older.id);
    expect(olderResult?.outcome).toMatchObject({ owner: 'node1' });
    expect(olderResult?.outcome?.detail).toContain('superseded by node1 at 3000');
    const olderWrites = settled.writes.filter((w) => w.call.invocation === `${older.id}/0/1`);
    expect(olderWrites.map((w) => w.eni)).toEqual([
      ...world.topology.routeTables.map(() => run.eni('node2')),
      ...world.topology.routeTables.map(() => run.eni('node1')),
    ]);
    expect(settled.record).toMatchObject({ owner: 'node1', orderToken: 3_000 });
    expect(Object.values(settled.targets)).toEqual(
      world.topology.routeTables.map(() => run.eni('node1')),
    );
  });

  it('accepts one of two equal-token claims and writes nothing for the other', async () => {
    // Prepare
    const run = await world.begin('concurrent: equal tokens');
    const first = run.claim('node1', 5_000);
    const second = run.claim('node2', 5_000);
    run.proxy.setRules([
      { service: 'ec2', rate: 0.5, fault: { kind: 'latency', minMs: 5, maxMs: 40 } },
    ]);
    // Act
    const log = await run.deliver([
      { eventId: first.id, copy: 0, atMs: 0, event: first.event },
      { eventId: second.id, copy: 0, atMs: 0, event: second.event },
    ]);
    const settled = await run.settle([log]);
    // Assess
    expect(settled.report.violations, settled.historyFile).toEqual([]);
    expect(settled.drifted).toBe(false);
    const winner = log.deliveries.find((d) => d.status === 'applied');
    const loser = log.deliveries.find((d) => d.status === 'rejected');
    expect(loser?.outcome?.kind).toBe('SplitBrainSuspected');
    expect(
      settled.writes.filter((w) => w.call.invocation?.startsWith(`${loser?.eventId}/`)),
    ).toEqual([]);
    const winningNode = winner?.eventId.split('@')[0] ?? '';
    expect(settled.record).toMatchObject({ owner: winningNode, orderToken: 5_000 });
    expect(Object.values(settled.targets)).toEqual(
      world.topology.routeTables.map(() => run.eni(winningNode)),
    );
  });
});
