/**
 * DynamoDB unavailable when a claim arrives: routeSwitch fails closed. Without the fence nothing may be
 * written, so the invocation fails, Lambda retries it twice and the event goes to the on-failure
 * destination; redriven once DynamoDB is back, it applies.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultRule, failures } from '../../../dev/fault-proxy';
import { vipTargets } from '../../../dev/topology';
import { type FaultWorld, inOrder, openWorld } from './harness';
import { finishFile } from './summary';

const EC2_WRITES = [
  'ReplaceRoute',
  'CreateRoute',
  'CreateTransitGatewayRoute',
  'ReplaceTransitGatewayRoute',
];

describe('DynamoDB unavailable when a claim arrives', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await openWorld(import.meta.url, { seed: 501 });
  });
  afterAll(async () => {
    await world?.close();
    finishFile(import.meta.url);
  });

  const failsClosed = (scenario: string, rule: (stateTable: string) => FaultRule) => async () => {
    // Prepare
    const run = await world.begin(scenario);
    run.proxy.setRules([rule(run.tables.state)]);
    const failover = run.claim('node2', 2_000);
    // Act: no lock outlives a failed attempt here, so Lambda's retry waits can be shortened.
    const outage = await run.deliver(inOrder([failover], 0), { retryDelaysMs: [300, 600] });
    const duringOutage = run.proxy.calls.filter((call) => EC2_WRITES.includes(call.operation));
    const targetsDuringOutage = await vipTargets(world.aws.ec2, world.topology.routeTables);
    run.proxy.setRules([]);
    const redrive = await run.deliver([
      { eventId: failover.id, copy: 1, atMs: 0, event: failover.event },
    ]);
    const settled = await run.settle([outage, redrive]);
    // Assess
    expect(settled.report.violations, settled.historyFile).toEqual([]);
    expect(settled.drifted).toBe(false);
    expect(outage.deadLetters.map((d) => [d.eventId, d.attempts])).toEqual([[failover.id, 3]]);
    expect(duringOutage).toEqual([]);
    expect(Object.values(targetsDuringOutage)).toEqual(
      world.topology.routeTables.map(() => run.eni('node1')),
    );
    expect(redrive.deliveries.map((d) => [d.status, d.outcome?.kind])).toEqual([
      ['applied', 'Switched'],
    ]);
    expect(settled.record).toMatchObject({ owner: 'node2', orderToken: 2_000, phase: 'APPLIED' });
  };

  it(
    'writes nothing and dead-letters the event when every DynamoDB call fails',
    failsClosed('dynamodb down: every call 500', () => failures.dynamodb()),
  );

  it(
    'writes nothing and dead-letters the event when only the state table (the fence) is unreachable',
    failsClosed('dynamodb down: state table dropped', (stateTable) => ({
      service: 'dynamodb',
      when: (call) => (call.body as { TableName?: string }).TableName === stateTable,
      fault: { kind: 'drop' },
    })),
  );
});
