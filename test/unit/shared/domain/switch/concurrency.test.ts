/**
 * Two route switches for the same VIP racing each other. Every call into the fakes goes through
 * fast-check's scheduler twice (once before it takes effect, once before its answer comes back), so
 * each run explores a different interleaving of fence writes, table reads, route writes and sleeps.
 * See https://fast-check.dev/docs/advanced/race-conditions/
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideFence } from '../../../../../shared/domain/switch/fence';
import type { SwitchOutcome } from '../../../../../shared/domain/switch/outcomes';
import type { Claim, SwitchDeps, VipRecord } from '../../../../../shared/domain/switch/ports';
import { switchRoute } from '../../../../../shared/domain/switch/switch-route';
import { FakeVipRecordStore } from '../../../../support/fakes';
import { propertyRuns } from '../../../../support/property-runs';
import {
  appliedRecord,
  CLUSTER,
  claim,
  DESTINATION,
  makeWorld,
  NODE1,
  NODE2,
  RTB_DISCOVERED,
  RTB1,
  RTB2,
  targets,
  VIP,
  VPC,
  type World,
} from '../../../../support/world';

/** Enough runs to reach the rarer interleavings (e.g. a read that predates the rival's write) every time. */
const NUM_RUNS = propertyRuns(1_000);
const NODES = [NODE1, NODE2] as const;
const TABLES = [RTB1, RTB2, RTB_DISCOVERED];
/** A target that is neither node's ENI: the VIP routed somewhere stale before the race. */
const OLD_ENI = 'eni-0d0d0d0d0d0d0d0d0';

/** An async function whose effect and whose answer each wait for the scheduler. */
const scheduled =
  <A extends unknown[], R>(s: fc.Scheduler, label: string, run: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    await s.schedule(Promise.resolve(), `${label} called`);
    return s.schedule(run(...args), `${label} answered`);
  };

/** The world's ports with every async method under the scheduler's control; the clock stays synchronous. */
const scheduledDeps = (s: fc.Scheduler, world: World): SwitchDeps => {
  const { state, routes, vpcs, tgw, clock } = world;
  return {
    ...world.deps,
    state: {
      advance: scheduled(s, 'state.advance', (c: Claim, now: Date) => state.advance(c, now)),
      read: scheduled(s, 'state.read', (cluster: string, vip: string) => state.read(cluster, vip)),
      markPhase: scheduled(s, 'state.markPhase', (c: Claim, p: VipRecord['phase'], now: Date) =>
        state.markPhase(c, p, now),
      ),
    },
    routes: {
      withRoute: scheduled(s, 'routes.withRoute', (v: string, d: string) => routes.withRoute(v, d)),
      byIds: scheduled(s, 'routes.byIds', (v: string, ids: readonly string[], d: string) =>
        routes.byIds(v, ids, d),
      ),
      replaceRoute: scheduled(s, 'routes.replaceRoute', (id: string, d: string, eni: string) =>
        routes.replaceRoute(id, d, eni),
      ),
      createRoute: scheduled(s, 'routes.createRoute', (id: string, d: string, eni: string) =>
        routes.createRoute(id, d, eni),
      ),
    },
    vpcs: { cidrBlocks: scheduled(s, 'vpcs.cidrBlocks', (v: string) => vpcs.cidrBlocks(v)) },
    tgw: {
      exactRoutes: scheduled(s, 'tgw.exactRoutes', (t: string, d: string) => tgw.exactRoutes(t, d)),
      createRoute: scheduled(s, 'tgw.createRoute', (t: string, d: string, a: string) =>
        tgw.createRoute(t, d, a),
      ),
      replaceRoute: scheduled(s, 'tgw.replaceRoute', (t: string, d: string, a: string) =>
        tgw.replaceRoute(t, d, a),
      ),
    },
    sleep: scheduled(s, 'sleep', clock.sleep),
  };
};

/** The starting point of a race: how many managed tables, where they route the VIP, any earlier record. */
interface RaceSetup {
  readonly tableCount: number;
  readonly initialEni: string;
  readonly earlierOwner: (typeof NODES)[number] | undefined;
  readonly writeConcurrency: number;
}

const raceSetup: fc.Arbitrary<RaceSetup> = fc.record({
  tableCount: fc.integer({ min: 1, max: TABLES.length }),
  initialEni: fc.constantFrom(NODE1.eni, NODE2.eni, OLD_ENI),
  earlierOwner: fc.option(fc.constantFrom(...NODES), { nil: undefined }),
  writeConcurrency: fc.constantFrom(1, 2, 10),
});

const raceWorld = (setup: RaceSetup): World => {
  const tables = TABLES.slice(0, setup.tableCount);
  const world = makeWorld(
    { routeTables: [], discoverRouteTables: true },
    { writeConcurrency: setup.writeConcurrency },
  );
  world.routes.deleteTable(RTB1);
  world.routes.deleteTable(RTB2);
  for (const id of tables) {
    world.routes.addTable(id, VPC, DESTINATION, { eniId: setup.initialEni, state: 'active' });
  }
  if (setup.earlierOwner !== undefined) world.state.seed(appliedRecord(setup.earlierOwner, 1));
  return world;
};

const isNonDecreasing = (tokens: readonly number[]): boolean =>
  tokens.every((token, i) => i === 0 || token >= (tokens[i - 1] as number));

describe('switchRoute under concurrency', () => {
  it('always ends with every table on the ENI of the higher claim, and the fence never moves back', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        raceSetup,
        fc.integer({ min: 2, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.boolean(),
        async (s, setup, lowToken, gap, node1High) => {
          // Prepare
          const world = raceWorld(setup);
          const deps = scheduledDeps(s, world);
          const [high, low] = node1High ? [NODE1, NODE2] : [NODE2, NODE1];
          const highToken = lowToken + gap;
          // Act
          await s.waitFor(
            Promise.all([
              switchRoute(claim(low, lowToken), deps),
              switchRoute(claim(high, highToken), deps),
            ]),
          );
          // Assess
          const tables = TABLES.slice(0, setup.tableCount);
          expect(targets(world.routes, tables)).toEqual(
            Object.fromEntries(tables.map((id) => [id, high.eni])),
          );
          expect(isNonDecreasing(world.state.history.map((r) => r.orderToken))).toBe(true);
          expect(world.state.current(CLUSTER, VIP)).toMatchObject({
            owner: high.name,
            orderToken: highToken,
          });
          expect(
            world.routes.writes.filter((w) => w.eniId !== NODE1.eni && w.eniId !== NODE2.eni),
          ).toEqual([]);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('accepts exactly one of two claims with the same order token and leaves the tables on its ENI', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        raceSetup,
        fc.integer({ min: 2, max: 2 ** 40 }),
        async (s, setup, token) => {
          // Prepare
          const world = raceWorld(setup);
          const deps = scheduledDeps(s, world);
          // Act
          const outcomes: SwitchOutcome[] = await s.waitFor(
            Promise.all(NODES.map((node) => switchRoute(claim(node, token), deps))),
          );
          // Assess
          const kinds = outcomes.map((o) => o.kind);
          const rejected = kinds.filter((kind) => kind === 'SplitBrainSuspected');
          expect(rejected).toHaveLength(1);
          const winner = NODES[kinds.findIndex((kind) => kind !== 'SplitBrainSuspected')];
          expect(kinds.filter((kind) => kind !== 'SplitBrainSuspected')).toEqual([
            expect.stringMatching(/^(Switched|AlreadyInPlace)$/),
          ]);
          const tables = TABLES.slice(0, setup.tableCount);
          expect(targets(world.routes, tables)).toEqual(
            Object.fromEntries(tables.map((id) => [id, winner?.eni])),
          );
          expect(world.state.current(CLUSTER, VIP)).toMatchObject({
            owner: winner?.name,
            orderToken: token,
            phase: 'APPLIED',
          });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('FakeVipRecordStore', () => {
  it('accepts exactly the claims that decideFence accepts or replays', () => {
    const record = fc.record({
      owner: fc.constantFrom('node1', 'node2'),
      orderToken: fc.integer({ min: 1, max: 10 }),
    });
    fc.assert(
      fc.property(fc.option(record, { nil: undefined }), record, (current, incoming) => {
        // Prepare
        const node = NODES.find((n) => n.name === incoming.owner) ?? NODE1;
        const command = claim(node, incoming.orderToken);
        const existing =
          current === undefined
            ? undefined
            : appliedRecord(
                NODES.find((n) => n.name === current.owner) ?? NODE1,
                current.orderToken,
              );
        // Act
        const accepted = FakeVipRecordStore.condition(existing, command);
        // Assess
        expect(accepted).toBe(['Accept', 'Replay'].includes(decideFence(existing, command)));
      }),
    );
  });
});
