/**
 * Calls that never end on their own: an AWS endpoint that accepts a request and never answers (stall),
 * and one whose answer trickles in a byte at a time (slow body). routeSwitch stops before its timeout
 * with a retryable error (the calls in flight are aborted), Lambda retries the event, and the retry
 * converges: nothing stalls past the invocation, and the history keeps I1-I5.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../../dev/fault-proxy';
import { type FaultWorld, inOrder, openWorld } from './harness';
import { finishFile } from './summary';

describe('stalled and slow AWS answers', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await openWorld(import.meta.url, { seed: 901 });
  });
  afterAll(async () => {
    await world?.close();
    finishFile(import.meta.url);
  });

  const retriedThenApplied =
    (scenario: string, rule: (stateTable: string) => FaultRule, faultKey: string) => async () => {
      // Prepare
      const run = await world.begin(scenario);
      run.proxy.setRules([rule(run.tables.state)]);
      const failover = run.claim('node2', 2_000);
      // Act
      const log = await run.deliver(inOrder([failover], 0));
      const settled = await run.settle([log]);
      // Assess
      expect(settled.report.violations, settled.historyFile).toEqual([]);
      expect(run.proxy.faults()).toEqual({ [faultKey]: 1 });
      expect(log.deliveries.map((d) => [d.status, d.attempts])).toEqual([['applied', 2]]);
      // The first attempt stopped itself (retryable) before the 3 s timeout, not by being cut off.
      expect(log.deliveries[0]?.errors).toEqual([expect.stringContaining('AwsCallError')]);
      const [first] = log.invocations;
      expect((first?.endedAt ?? Infinity) - (first?.startedAt ?? 0)).toBeLessThan(3_000);
      expect(settled.record).toMatchObject({ owner: 'node2', orderToken: 2_000, phase: 'APPLIED' });
      expect(Object.values(settled.targets)).toEqual(
        world.topology.routeTables.map(() => run.eni('node2')),
      );
    };

  it(
    'retries and applies when the fence read on the state table stalls once',
    retriedThenApplied(
      'stall: state table once',
      (stateTable) => ({
        service: 'dynamodb',
        when: (call) => (call.body as { TableName?: string }).TableName === stateTable,
        limit: 1,
        fault: { kind: 'stall' },
      }),
      'dynamodb stall',
    ),
  );

  it(
    'retries and applies when a route write stalls once',
    retriedThenApplied(
      'stall: ReplaceRoute once',
      () => ({ service: 'ec2', operations: ['ReplaceRoute'], limit: 1, fault: { kind: 'stall' } }),
      'ec2 stall',
    ),
  );

  it(
    'retries and applies when a route write took effect but its answer trickles in',
    retriedThenApplied(
      'slow body: ReplaceRoute once',
      () => ({
        service: 'ec2',
        operations: ['ReplaceRoute'],
        limit: 1,
        fault: { kind: 'slowBody', byteMs: 200 },
      }),
      'ec2 slow-body',
    ),
  );
});
