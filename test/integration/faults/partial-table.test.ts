/**
 * One managed table fails while the others succeed. A permanent failure (UnauthorizedOperation) ends
 * the switch as Partial without retries; a failure that lasts one whole attempt (500 on every SDK
 * attempt) makes the invocation throw, and Lambda's retry writes only that table. The tables that were
 * switched are never reverted.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failures } from '../../../dev/fault-proxy';
import { FAILED } from '../../../shared/events/route-switch-result';
import { type FaultWorld, inOrder, openWorld } from './harness';
import { finishFile } from './summary';

describe('a route table failing while the others succeed', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await openWorld(import.meta.url, { seed: 401, routeTables: 3 });
  });
  afterAll(async () => {
    await world?.close();
    finishFile(import.meta.url);
  });

  it('switches the other tables, reports Partial, and never reverts them', async () => {
    // Prepare
    const run = await world.begin('partial: one table unauthorized');
    const [broken, ...others] = world.topology.routeTables as [string, ...string[]];
    run.proxy.setRules([failures.routeTable(broken)]);
    const failover = run.claim('node2', 2_000);
    const stale = run.claim('node1', 1_000);
    // Act: the failover, then a redelivery of it and a stale claim for node1.
    const log = await run.deliver(inOrder([failover, failover, stale], 500));
    const settled = await run.settle([log], { excludedTables: [broken] });
    // Assess
    expect(settled.report.violations, settled.historyFile).toEqual([]);
    expect(settled.drifted).toBe(false);
    expect(log.deliveries.map((d) => [d.status, d.outcome?.kind])).toEqual([
      ['applied', 'Partial'],
      ['applied', 'Partial'],
      ['rejected', 'RejectedStale'],
    ]);
    expect(log.deliveries[0]?.attempts).toBe(1);
    expect(log.deliveries[0]?.outcome?.failed).toEqual([
      expect.objectContaining({
        routeTableId: broken,
        code: 'UnauthorizedOperation',
        retryable: false,
      }),
    ]);
    expect(settled.targets).toEqual({
      [broken]: run.eni('node1'),
      ...Object.fromEntries(others.map((id) => [id, run.eni('node2')])),
    });
    expect(settled.writes.filter((w) => w.routeTableId !== broken).map((w) => w.eni)).toEqual(
      others.map(() => run.eni('node2')),
    );
    expect(settled.record).toMatchObject({ owner: 'node2', phase: 'PARTIAL' });
    expect((await run.published()).map((e) => [e.detailType, e.detail.outcome])).toEqual([
      [FAILED, 'Partial'],
      [FAILED, 'RejectedStale'],
    ]);
  });

  it('retries only the failed table when it fails for a whole attempt', async () => {
    // Prepare
    const run = await world.begin('partial: one table 500 for an attempt');
    const [flaky, ...others] = world.topology.routeTables as [string, ...string[]];
    run.proxy.setRules([
      {
        service: 'ec2',
        operations: ['ReplaceRoute'],
        when: (call) =>
          call.params.RouteTableId === flaky && call.invocation?.endsWith('/1') === true,
        fault: { kind: 'internal' },
      },
    ]);
    const failover = run.claim('node2', 2_000);
    // Act: a timeout long enough for the SDK to use up its 8 attempts on the failing write.
    const log = await run.deliver(inOrder([failover], 0), { timeoutMs: 10_000 });
    const settled = await run.settle([log]);
    // Assess
    expect(settled.report.violations, settled.historyFile).toEqual([]);
    expect(settled.drifted).toBe(false);
    expect(log.deliveries.map((d) => [d.status, d.attempts, d.outcome?.kind])).toEqual([
      ['applied', 2, 'Switched'],
    ]);
    expect(log.deliveries[0]?.errors).toEqual([expect.stringContaining('RetryableSwitchError')]);
    const secondAttempt = settled.writes.filter((w) => w.call.invocation === `${failover.id}/0/2`);
    expect(secondAttempt.map((w) => w.routeTableId)).toEqual([flaky]);
    expect(settled.writes.filter((w) => others.includes(w.routeTableId)).map((w) => w.eni)).toEqual(
      others.map(() => run.eni('node2')),
    );
    expect(settled.record).toMatchObject({ owner: 'node2', phase: 'APPLIED' });
  });
});
