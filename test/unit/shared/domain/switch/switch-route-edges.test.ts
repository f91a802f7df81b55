/**
 * The edges of switchRoute and converge that mutation testing found unpinned: the exact refusal and failure
 * texts an operator reads, the phase history the fence record goes through, the bound on reconcile rounds,
 * which reads run for listed and discovered tables, and what a stale claim restores.
 */
import { describe, expect, it } from 'vitest';
import {
  fencedOff,
  RetryableSwitchError,
  refused,
} from '../../../../../shared/domain/switch/outcomes';
import type { RouteTables } from '../../../../../shared/domain/switch/ports';
import {
  ORDER_TOKEN_FUTURE_TOLERANCE_MS,
  switchRoute,
} from '../../../../../shared/domain/switch/switch-route';
import { awsError } from '../../../../support/fakes';
import {
  appliedRecord,
  CLUSTER,
  claim,
  DESTINATION,
  makeWorld,
  NODE1,
  NODE2,
  newerClaimDuringFirstWrite,
  OTHER_VPC,
  OTHER_VPC_RTB,
  RTB_DISCOVERED,
  RTB1,
  RTB2,
  targets,
  VIP,
  VPC,
  type World,
} from '../../../../support/world';

const phases = (world: World) => world.state.history.map((record) => record.phase);
const reads = (world: World, op: 'byIds' | 'withRoute') =>
  world.routes.calls.filter((call) => call.op === op).length;

/** The world's route tables, with every read failing with `error`. */
const unreadableTables = (world: World, error: Error): RouteTables => ({
  ...world.routes,
  byIds: async () => Promise.reject(error),
  withRoute: async () => Promise.reject(error),
  replaceRoute: world.routes.replaceRoute.bind(world.routes),
  createRoute: world.routes.createRoute.bind(world.routes),
});

describe('switchRoute: what the operator reads', () => {
  it('names the VIP in the retryable error it throws', async () => {
    // Prepare
    const world = makeWorld();
    world.routes.failWrites(RTB1, awsError('RequestLimitExceeded', true));
    // Act
    const error = await switchRoute(claim(NODE2, 2_000), world.deps).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(RetryableSwitchError);
    expect((error as Error).message).toBe(`route switch for ${VIP} left retryable failures`);
  });

  it('reports how long the switch took by its own clock', async () => {
    // Prepare: the first verify read still shows the old route, so the switch waits once.
    const world = makeWorld();
    world.routes.staleReadsAfterWrite = 1;
    // Act
    await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    const waited = world.clock.sleeps.reduce((sum, ms) => sum + ms, 0);
    expect(waited).toBeGreaterThan(0);
    expect(world.bus.published[0]?.detail.durationMs).toBe(waited);
  });

  it('says how far ahead a future order token lies', async () => {
    // Prepare
    const world = makeWorld();
    const token = world.clock.now().getTime() + 60_000;
    // Act
    const outcome = await switchRoute(claim(NODE2, token), world.deps);
    // Assess
    expect(outcome).toEqual(
      refused(
        'OrderTokenInFuture',
        `order token ${token} lies 60000 ms ahead of routekeeper's clock`,
      ),
    );
  });

  it('accepts a token exactly at the tolerance ahead of its clock', async () => {
    // Prepare
    const world = makeWorld();
    const token = world.clock.now().getTime() + ORDER_TOKEN_FUTURE_TOLERANCE_MS;
    // Act
    const outcome = await switchRoute(claim(NODE2, token), world.deps);
    // Assess
    expect(outcome.kind).toBe('Switched');
  });

  it.each([
    [
      'is gone',
      (world: World) => world.enis.enis.delete(NODE2.eni),
      refused('EniNotFound', `${NODE2.eni} of node2 does not exist`),
    ],
    [
      'is in another VPC',
      (world: World) =>
        world.enis.enis.set(NODE2.eni, { vpcId: OTHER_VPC, attachedInstanceId: NODE2.instanceId }),
      refused('EniOutsideVpc', `${NODE2.eni} of node2 is in ${OTHER_VPC}, not in ${VPC}`),
    ],
    [
      'is attached to another instance',
      (world: World) =>
        world.enis.enis.set(NODE2.eni, { vpcId: VPC, attachedInstanceId: NODE1.instanceId }),
      refused(
        'EniDetached',
        `${NODE2.eni} is attached to ${NODE1.instanceId}, not to node2's ${NODE2.instanceId}`,
      ),
    ],
    [
      'is attached to nothing',
      (world: World) => world.enis.enis.set(NODE2.eni, { vpcId: VPC }),
      refused(
        'EniDetached',
        `${NODE2.eni} is attached to no instance, not to node2's ${NODE2.instanceId}`,
      ),
    ],
  ])('refuses a claim whose ENI %s, saying so', async (_, breakEni, expected) => {
    // Prepare
    const world = makeWorld();
    breakEni(world);
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toEqual(expected);
    expect(world.state.history).toEqual([]);
  });

  it('refuses, naming the error, when the ENI cannot be read for a reason a retry will not fix', async () => {
    // Prepare
    const world = makeWorld();
    world.enis.readError = awsError('UnauthorizedOperation', false);
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({ kind: 'Refused', refusal: 'EniUnreadable' });
    expect(outcome.detail).toMatch(/^EniUnreadable: UnauthorizedOperation: /);
    expect(world.routes.writes).toEqual([]);
    expect(world.state.history).toEqual([]);
  });

  it('ignores a CIDR block it cannot read as IPv4 (an IPv6 block) instead of calling the VIP inside it', async () => {
    // Prepare
    const world = makeWorld();
    world.vpcs.blocks[VPC]?.push('2600:1f18:abcd:ef00::/56');
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome.kind).toBe('Switched');
  });

  it('refuses, naming the error, when the route tables cannot be read for a reason a retry will not fix', async () => {
    // Prepare
    const world = makeWorld();
    const deps = {
      ...world.deps,
      routes: unreadableTables(world, awsError('UnauthorizedOperation', false)),
    };
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), deps);
    // Assess
    expect(outcome).toMatchObject({ kind: 'Refused', refusal: 'RouteTablesUnreadable' });
    expect(outcome.detail).toMatch(/^RouteTablesUnreadable: UnauthorizedOperation: /);
    expect(world.routes.writes).toEqual([]);
  });

  it('refuses with the VIP named when no table carries it, and records the claim as REFUSED', async () => {
    // Prepare
    const world = makeWorld({ routeTables: [] });
    world.routes.deleteRoute(RTB1, DESTINATION);
    world.routes.deleteRoute(RTB2, DESTINATION);
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toEqual(
      refused('NoManagedTables', `no route table of the cluster VPC carries ${VIP}/32`),
    );
    expect(phases(world)).toEqual(['INTENT', 'REFUSED']);
  });

  it('reports a listed table of another VPC, and nothing else, when it is the only table named', async () => {
    // Prepare
    const world = makeWorld({ routeTables: [OTHER_VPC_RTB], discoverRouteTables: false });
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({
      kind: 'Partial',
      changed: [],
      failed: [
        {
          routeTableId: OTHER_VPC_RTB,
          code: 'RouteTableNotInClusterVpc',
          message: `${OTHER_VPC_RTB} is not a route table of ${VPC}; it is never modified`,
          retryable: false,
        },
      ],
    });
    expect(world.routes.writes).toEqual([]);
  });

  it('names the missing route and the setting that would create it', async () => {
    // Prepare
    const world = makeWorld({ createMissingRoute: false });
    world.routes.deleteRoute(RTB2, DESTINATION);
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome.failed).toEqual([
      {
        routeTableId: RTB2,
        code: 'RouteMissing',
        message: `${RTB2} has no route for ${DESTINATION} and createMissingRoute is off`,
        retryable: false,
      },
    ]);
    // One read before the writes and one verify read: a table without the route is not "moved under us".
    expect(reads(world, 'byIds')).toBe(2);
  });

  it('carries no detail key when nothing needs explaining', async () => {
    // Prepare
    const world = makeWorld();
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(Object.keys(outcome)).not.toContain('detail');
  });
});

describe('switchRoute: which tables it reads', () => {
  it('reads only by discovery when the VIP lists no table', async () => {
    // Prepare
    const world = makeWorld({ routeTables: [], discoverRouteTables: true });
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess: before the first write, only the discovery read ran (verify re-reads the tables by id).
    const firstWrite = world.routes.calls.findIndex((call) => call.op === 'replaceRoute');
    const before = world.routes.calls.slice(0, firstWrite).map((call) => call.op);
    expect(before).toEqual(['withRoute']);
    expect(outcome).toMatchObject({ kind: 'Switched', changed: [RTB1, RTB2] });
  });

  it('reads only the listed tables when discovery is off, leaving a discoverable table alone', async () => {
    // Prepare
    const world = makeWorld({ routeTables: [RTB2, RTB1], discoverRouteTables: false });
    world.routes.addTable(RTB_DISCOVERED, VPC, DESTINATION, { eniId: NODE1.eni, state: 'active' });
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(reads(world, 'withRoute')).toBe(0);
    expect(outcome).toMatchObject({ kind: 'Switched', changed: [RTB1, RTB2] });
    expect(world.routes.target(RTB_DISCOVERED, DESTINATION)).toBe(NODE1.eni);
  });
});

describe('switchRoute: the phases on the fence record', () => {
  it('goes INTENT then APPLIED, recorded once while verifying', async () => {
    // Prepare: verify waits, so a phase written after it would carry a later time.
    const world = makeWorld();
    world.routes.staleReadsAfterWrite = 1;
    const started = world.clock.now().toISOString();
    // Act
    await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(phases(world)).toEqual(['INTENT', 'APPLIED']);
    expect(world.state.history.at(-1)?.updatedAt).toBe(started);
  });

  it('goes INTENT then PARTIAL when a table fails, never APPLIED in between', async () => {
    // Prepare
    const world = makeWorld();
    world.routes.failWrites(RTB1, awsError('InvalidRouteTableID.NotFound', false));
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome.kind).toBe('Partial');
    expect(phases(world)).toEqual(['INTENT', 'PARTIAL']);
    // A failed write is reported, not retried within the invocation.
    expect(world.routes.writesTo(RTB1)).toHaveLength(1);
  });
});

describe('converge: newer claims landing mid-switch', () => {
  it('stops after maxRounds when newer claims keep landing, writing each round once', async () => {
    // Prepare: every write to RTB1 lands a newer claim of the other node.
    const world = makeWorld({}, { maxRounds: 3 });
    let token = 2_000;
    world.routes.beforeWrite = async (write) => {
      if (write.routeTableId !== RTB1) return;
      token += 1_000;
      const next = write.eniId === NODE2.eni ? NODE1 : NODE2;
      await world.state.advance(claim(next, token), world.clock.now());
    };
    // Act
    await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess: three rounds of two writes, then it stops.
    expect(world.routes.writesTo(RTB1)).toHaveLength(3);
    expect(world.routes.writesTo(RTB2)).toHaveLength(3);
  });

  it('does not reconcile to a newer claim by a node the configuration does not know', async () => {
    // Prepare
    const world = makeWorld();
    const stranger = { name: 'node9', eni: 'eni-0999999999999999f' };
    newerClaimDuringFirstWrite(world, claim(stranger, 3_000));
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({
      owner: 'node9',
      detail: 'newer claim by unconfigured node "node9"; not reconciled',
    });
    expect(world.routes.writes.map((w) => w.eniId)).not.toContain(stranger.eni);
  });

  it('drops a failure of a table that ends on the newer owner it was superseded by', async () => {
    // Prepare: the write of RTB1 to node2 fails, and meanwhile node1 claims again: RTB1 is already there.
    const world = makeWorld();
    world.routes.failWrites(RTB1, awsError('InvalidParameterValue', false));
    world.routes.beforeWrite = async (write) => {
      if (write.routeTableId !== RTB1 || write.eniId !== NODE2.eni) return;
      await world.state.advance(claim(NODE1, 3_000), world.clock.now());
    };
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({ owner: 'node1', failed: [] });
    expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE1.eni, [RTB2]: NODE1.eni });
  });
});

describe('switchRoute: a stale claim and the recorded owner', () => {
  it('puts strayed tables back on a PARTIAL record too, and says how many', async () => {
    // Prepare
    const world = makeWorld();
    world.state.seed({ ...appliedRecord(NODE2, 2_000), phase: 'PARTIAL' });
    // Act
    const outcome = await switchRoute(claim(NODE1, 1_000), world.deps);
    // Assess
    expect(outcome).toEqual({
      ...fencedOff('RejectedStale', 'recorded claim: node2 at 2000', 'node2'),
      changed: [RTB1, RTB2],
      detail: 'recorded claim: node2 at 2000; put 2 table(s) back on node2',
    });
    expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE2.eni, [RTB2]: NODE2.eni });
  });

  it('reads the tables again before putting them back, and writes nothing once the owner has put them in place', async () => {
    // Prepare: the round's read shows node1, but node2's own invocation writes its ENI right after it.
    const world = makeWorld();
    world.state.seed(appliedRecord(NODE2, 2_000));
    const routes = world.routes;
    let first = true;
    const deps = {
      ...world.deps,
      routes: {
        withRoute: routes.withRoute.bind(routes),
        replaceRoute: routes.replaceRoute.bind(routes),
        createRoute: routes.createRoute.bind(routes),
        byIds: async (...args: Parameters<typeof routes.byIds>) => {
          const view = await routes.byIds(...args);
          if (first) {
            first = false;
            for (const id of [RTB1, RTB2]) {
              routes.addTable(id, VPC, DESTINATION, { eniId: NODE2.eni, state: 'active' });
            }
          }
          return view;
        },
      },
    };
    // Act
    const outcome = await switchRoute(claim(NODE1, 1_000), deps);
    // Assess
    expect(outcome).toEqual(fencedOff('RejectedStale', 'recorded claim: node2 at 2000', 'node2'));
    expect(world.routes.writes).toEqual([]);
  });

  it('costs nothing more when the tables already match the record', async () => {
    // Prepare
    const world = makeWorld();
    world.state.seed(appliedRecord(NODE1, 2_000));
    // Act
    const outcome = await switchRoute(claim(NODE2, 1_000), world.deps);
    // Assess
    expect(outcome).toEqual(fencedOff('RejectedStale', 'recorded claim: node1 at 2000', 'node1'));
    expect(reads(world, 'byIds')).toBe(1);
  });

  it.each([
    ['an INTENT record (its own invocation is still writing)', { phase: 'INTENT' as const }],
    ['a REFUSED record', { phase: 'REFUSED' as const }],
    ['a record owned by an unconfigured node', { owner: 'node9' }],
  ])('leaves strayed tables alone for %s', async (_, change) => {
    // Prepare
    const world = makeWorld();
    world.state.seed({ ...appliedRecord(NODE2, 2_000), ...change });
    // Act
    const outcome = await switchRoute(claim(NODE1, 1_000), world.deps);
    // Assess
    expect(outcome.kind).toBe('RejectedStale');
    expect(world.routes.writes).toEqual([]);
  });

  it('leaves the tables alone when they cannot be read', async () => {
    // Prepare
    const world = makeWorld();
    world.state.seed(appliedRecord(NODE2, 2_000));
    const deps = {
      ...world.deps,
      routes: unreadableTables(world, awsError('UnauthorizedOperation', false)),
    };
    // Act
    const outcome = await switchRoute(claim(NODE1, 1_000), deps);
    // Assess
    expect(outcome).toEqual(fencedOff('RejectedStale', 'recorded claim: node2 at 2000', 'node2'));
    expect(world.routes.writes).toEqual([]);
    expect(world.state.current(CLUSTER, VIP)?.phase).toBe('APPLIED');
  });
});

describe('converge: how it settles', () => {
  it('stops re-checking once it has reconciled to the newer claim', async () => {
    // Prepare: node1 claims again while node2's first write is in flight.
    const world = makeWorld();
    newerClaimDuringFirstWrite(world, claim(NODE1, 3_000));
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess: one read before the writes, one verify read per round, and two rounds (its own, the reconcile).
    expect(outcome).toMatchObject({ owner: 'node1', kind: 'Switched' });
    expect(reads(world, 'byIds')).toBe(3);
  });

  it('lists the changed tables in order, whatever round wrote them', async () => {
    // Prepare: RTB1 is already on node2; while RTB2 is written, another writer moves RTB1 back to node1.
    const world = makeWorld();
    world.routes.addTable(RTB1, VPC, DESTINATION, { eniId: NODE2.eni, state: 'active' });
    world.routes.beforeWrite = (write) => {
      if (write.routeTableId === RTB2) {
        world.routes.addTable(RTB1, VPC, DESTINATION, { eniId: NODE1.eni, state: 'active' });
      }
    };
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess: RTB2 was written in the first round, RTB1 in the second.
    expect(world.routes.writes.map((w) => w.routeTableId)).toEqual([RTB2, RTB1]);
    expect(outcome.changed).toEqual([RTB1, RTB2]);
  });
});
