/**
 * Failovers between node1 and node2 that reach routeSwitch out of order: the fence keeps the newest
 * claim, older ones are rejected as stale and write nothing, and the tables end on the newest owner.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../dev/seeded-random';
import { planDeliveries } from '../../support/faults/delivery';
import { type FaultWorld, inOrder, openWorld } from './harness';
import { finishFile } from './summary';

describe('out-of-order failovers between two nodes', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await openWorld(import.meta.url, { seed: 101 });
  });
  afterAll(async () => {
    await world?.close();
    finishFile(import.meta.url);
  });

  it('applies only the newest claim when four failovers arrive newest first', async () => {
    // Prepare
    const run = await world.begin('out-of-order: newest first');
    const claims = [
      run.claim('node1', 1_000),
      run.claim('node2', 2_000),
      run.claim('node1', 3_000),
      run.claim('node2', 4_000),
    ];
    // Act
    // 2 s time scale, as in duplicates and crash-after-write. At 1 s a full-suite run once saw the newest
    // claim end AlreadyInPlace: its first attempt wrote, then timed out, and its retry found the routes in
    // place. With one busy CPU loop beside it on 2 cores and moto's uncached JSONPath parsers, each
    // invocation took 1.8 s of its 2 s here.
    const log = await run.deliver(inOrder([...claims].reverse(), 30), {
      timeoutMs: 2_000,
      retryDelaysMs: [2_000, 4_000],
    });
    const settled = await run.settle([log]);
    // Assess
    expect(settled.report.violations, settled.historyFile).toEqual([]);
    expect(settled.drifted).toBe(false);
    expect(log.deliveries.map((d) => [d.eventId, d.status, d.outcome?.kind])).toEqual([
      ['node2@4000', 'applied', 'Switched'],
      ['node1@3000', 'rejected', 'RejectedStale'],
      ['node2@2000', 'rejected', 'RejectedStale'],
      ['node1@1000', 'rejected', 'RejectedStale'],
    ]);
    expect(settled.writes.map((w) => [w.call.invocation, w.eni])).toEqual(
      world.topology.routeTables.map(() => ['node2@4000/0/1', run.eni('node2')]),
    );
    expect(settled.record).toMatchObject({ owner: 'node2', orderToken: 4_000, phase: 'APPLIED' });
  });

  it('ends on the newest claim when six failovers are delivered concurrently in a seeded random order', async () => {
    // Prepare
    const run = await world.begin('out-of-order: shuffled, EC2 latency');
    const claims = [1, 2, 3, 4, 5, 6].map((i) =>
      run.claim(i % 2 === 0 ? 'node2' : 'node1', i * 1_000),
    );
    const plan = planDeliveries(claims, seededRandom(102), {
      maxDelayMs: 120,
      duplicateRate: 0,
      maxDuplicates: 0,
    });
    run.proxy.setRules([
      { service: 'ec2', rate: 0.5, fault: { kind: 'latency', minMs: 5, maxMs: 60 } },
    ]);
    // Act
    const log = await run.deliver(plan);
    const settled = await run.settle([log]);
    // Assess
    expect(settled.report.violations, settled.historyFile).toEqual([]);
    expect(settled.drifted).toBe(false);
    expect(settled.record).toMatchObject({ owner: 'node2', orderToken: 6_000 });
    expect(log.deliveries.find((d) => d.eventId === 'node2@6000')?.status).toBe('applied');
    expect(Object.values(settled.targets)).toEqual(
      world.topology.routeTables.map(() => run.eni('node2')),
    );
  });
});
