/**
 * PutEvents answers 200 with FailedEntryCount = 1 when routeSwitch publishes its result. That is an
 * error (PublishError): the idempotency lock is released, Lambda retries, the retry finds the tables in
 * place (no second write) and publishes the result once.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failures } from '../../../dev/fault-proxy';
import { COMPLETED } from '../../../shared/events/route-switch-result';
import { type FaultWorld, inOrder, openWorld } from './harness';
import { finishFile } from './summary';

describe('PutEvents partial failure when routeSwitch publishes its result', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await openWorld(import.meta.url, { seed: 601 });
  });
  afterAll(async () => {
    await world?.close();
    finishFile(import.meta.url);
  });

  it('retries the invocation, writes each table once and publishes the result once', async () => {
    // Prepare
    const run = await world.begin('publish: FailedEntryCount=1 once');
    run.proxy.setRules([failures.putEventsEntry(1)]);
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
    expect(log.deliveries[0]?.errors).toEqual([expect.stringContaining('PublishError')]);
    expect(settled.writes.map((w) => [w.call.invocation, w.eni])).toEqual(
      world.topology.routeTables.map(() => [`${failover.id}/0/1`, run.eni('node2')]),
    );
    expect(run.proxy.faults()).toEqual({ 'events FailedEntryCount': 1 });
    expect((await run.published()).map((e) => [e.detailType, e.detail.owner])).toEqual([
      [COMPLETED, 'node2'],
    ]);
    expect(settled.record).toMatchObject({ owner: 'node2', phase: 'APPLIED' });
  });
});
