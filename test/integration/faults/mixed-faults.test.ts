/**
 * Randomised runs: a seeded series of failovers (some with an equal-token twin from the other node),
 * delivered in a random order with duplicates, while the proxy injects throttling, 500s, latency and
 * dropped connections into EC2, DynamoDB and EventBridge at moderate rates and fails some PutEvents
 * entries. Dead letters are redriven once the faults stop (the operator's move), and if a table then
 * disagrees with the record the harness runs the drift repair (counted in the summary). The history of
 * each run must satisfy I1-I5, and the record must end on the newest claim.
 */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule, Service } from '../../../dev/fault-proxy';
import { seededRandom } from '../../../dev/seeded-random';
import { type Delivery, planDeliveries } from '../../support/faults/delivery';
import { type FaultWorld, openWorld, type PlannedEvent } from './harness';
import { finishFile } from './summary';

const SERVICES: readonly Service[] = ['ec2', 'dynamodb', 'events'];

const MODERATE_FAULTS: readonly FaultRule[] = [
  ...SERVICES.map(
    (service): FaultRule => ({
      service,
      rate: 0.15,
      fault: { kind: 'latency', minMs: 5, maxMs: 50 },
    }),
  ),
  ...(['ec2', 'dynamodb'] as const).flatMap((service): FaultRule[] => [
    { service, rate: 0.03, fault: { kind: 'throttle' } },
    { service, rate: 0.05, fault: { kind: 'internal' } },
    { service, rate: 0.02, fault: { kind: 'drop' } },
    { service, rate: 0.02, fault: { kind: 'drop', afterForwarding: true } },
  ]),
  { service: 'events', rate: 0.05, fault: { kind: 'throttle' } },
  { service: 'events', rate: 0.05, fault: { kind: 'internal' } },
  { service: 'events', operations: ['PutEvents'], rate: 0.05, fault: { kind: 'failedEntry' } },
];

const failoverSeries = fc.record({
  failovers: fc.array(
    fc.record({
      node: fc.constantFrom('node1', 'node2'),
      // About one failover in eight also gets a claim at the same token from the other node.
      twin: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    }),
    { minLength: 4, maxLength: 7 },
  ),
  planSeed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  faultSeed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

const other = (node: string) => (node === 'node1' ? 'node2' : 'node1');

describe('mixed faults across EC2, DynamoDB and EventBridge', () => {
  let world: FaultWorld;
  let runs = 0;
  beforeAll(async () => {
    world = await openWorld(import.meta.url, { seed: 801 });
  });
  afterAll(async () => {
    await world?.close();
    finishFile(import.meta.url);
  });

  it('keeps I1-I5 and ends on the newest claim in seeded random runs', async () => {
    await fc.assert(
      fc.asyncProperty(failoverSeries, async ({ failovers, planSeed, faultSeed }) => {
        // Prepare
        const run = await world.begin(`mixed #${++runs}`, { seed: faultSeed });
        const events: PlannedEvent[] = failovers.flatMap(({ node, twin }, i) => {
          const orderToken = (i + 1) * 1_000;
          const claim = run.claim(node, orderToken);
          return twin ? [claim, run.claim(other(node), orderToken)] : [claim];
        });
        const plan = planDeliveries(events, seededRandom(planSeed), {
          maxDelayMs: 150,
          duplicateRate: 0.3,
          maxDuplicates: 2,
        });
        run.proxy.setRules(MODERATE_FAULTS);
        // Act
        const log = await run.deliver(plan);
        run.proxy.setRules([]);
        // Redriven after the function timeout, when any lock a failed attempt left has expired.
        const redrive: Delivery[] = log.deadLetters.map((dead) => ({
          eventId: dead.eventId,
          copy: 100 + dead.copy,
          atMs: 3_000,
          event: events.find((e) => e.id === dead.eventId)?.event,
        }));
        const redriven = await run.deliver(redrive);
        const settled = await run.settle([log, redriven]);
        // Assess
        expect(settled.report.violations, settled.historyFile).toEqual([]);
        expect(redriven.deadLetters).toEqual([]);
        expect(settled.record?.orderToken).toBe(failovers.length * 1_000);
      }),
      {
        seed: 20_261_125,
        numRuns: 6,
        endOnFailure: true,
        interruptAfterTimeLimit: 20_000,
        markInterruptAsFailure: false,
      },
    );
  });
});
