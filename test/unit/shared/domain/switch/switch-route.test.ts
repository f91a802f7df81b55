import { describe, expect, it } from 'vitest';
import { PublishError } from '../../../../../shared/core/errors';
import {
  fencedOff,
  RetryableSwitchError,
  refused,
  type TgwResult,
} from '../../../../../shared/domain/switch/outcomes';
import type { TgwRouteView } from '../../../../../shared/domain/switch/ports';
import { switchRoute } from '../../../../../shared/domain/switch/switch-route';
import { RouteSwitchResult } from '../../../../../shared/events/route-switch-result';
import { awsError, type TgwCall } from '../../../../support/fakes';
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
  OTHER_VPC_ENI,
  OTHER_VPC_RTB,
  RTB_DISCOVERED,
  RTB1,
  RTB2,
  TGW_ATTACHMENT,
  TGW_RTB,
  targets,
  VIP,
  VPC,
  type World,
} from '../../../../support/world';

const phase = (world: World) => world.state.current(CLUSTER, VIP)?.phase;

const settle = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );

describe('switchRoute', () => {
  it('moves every managed table to the claimant ENI and records the claim as APPLIED', async () => {
    // Prepare
    const world = makeWorld();
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toEqual({
      kind: 'Switched',
      owner: 'node2',
      changed: [RTB1, RTB2],
      failed: [],
      pending: [],
      tgw: { finding: 'InPlace', action: 'none' },
    });
    expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE2.eni, [RTB2]: NODE2.eni });
    expect(world.routes.writes.map((w) => [w.op, w.routeTableId, w.eniId])).toEqual([
      ['replaceRoute', RTB1, NODE2.eni],
      ['replaceRoute', RTB2, NODE2.eni],
    ]);
    expect(world.state.current(CLUSTER, VIP)).toMatchObject({
      owner: 'node2',
      eni: NODE2.eni,
      orderToken: 2_000,
      phase: 'APPLIED',
    });
  });

  it('also switches a table of the cluster VPC that is found by discovery only', async () => {
    // Prepare
    const world = makeWorld();
    world.routes.addTable(RTB_DISCOVERED, VPC, DESTINATION, { eniId: NODE1.eni, state: 'active' });
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome.changed).toEqual([RTB1, RTB2, RTB_DISCOVERED]);
    expect(world.routes.target(RTB_DISCOVERED, DESTINATION)).toBe(NODE2.eni);
  });

  it('replays the current claim without writing anything', async () => {
    // Prepare
    const world = makeWorld();
    await switchRoute(claim(NODE2, 2_000), world.deps);
    const writesBefore = world.routes.writes.length;
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({ kind: 'AlreadyInPlace', owner: 'node2', changed: [] });
    expect(world.routes.writes).toHaveLength(writesBefore);
    expect(world.tgw.writes).toEqual([]);
    expect(phase(world)).toBe('APPLIED');
  });

  it('rejects a claim older than the record without writing when the tables match the record', async () => {
    // Prepare
    const world = makeWorld();
    world.state.seed(appliedRecord(NODE2, 2_000));
    for (const table of [RTB1, RTB2])
      await world.routes.replaceRoute(table, DESTINATION, NODE2.eni);
    world.routes.calls.length = 0;
    // Act
    const outcome = await switchRoute(claim(NODE1, 1_000), world.deps);
    // Assess
    expect(outcome).toEqual(fencedOff('RejectedStale', 'recorded claim: node2 at 2000', 'node2'));
    expect(world.routes.writes).toEqual([]);
    expect(world.tgw.writes).toEqual([]);
    expect(world.state.history).toHaveLength(1);
  });

  it('puts tables that strayed from the recorded owner back when a stale claim arrives', async () => {
    // Prepare: an older writer's late ReplaceRoute left the tables on node1 although node2 owns the VIP.
    const world = makeWorld();
    world.state.seed(appliedRecord(NODE2, 2_000));
    // Act
    const outcome = await switchRoute(claim(NODE1, 1_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({
      kind: 'RejectedStale',
      owner: 'node2',
      changed: [RTB1, RTB2],
      failed: [],
    });
    expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE2.eni, [RTB2]: NODE2.eni });
    expect(world.state.current(CLUSTER, VIP)).toMatchObject({
      owner: 'node2',
      orderToken: 2_000,
      phase: 'APPLIED',
    });
  });

  it('puts back only the tables that differ from the recorded owner', async () => {
    // Prepare
    const world = makeWorld();
    world.state.seed(appliedRecord(NODE2, 2_000));
    await world.routes.replaceRoute(RTB2, DESTINATION, NODE2.eni);
    world.routes.calls.length = 0;
    // Act
    const outcome = await switchRoute(claim(NODE1, 1_000), world.deps);
    // Assess
    expect(outcome.changed).toEqual([RTB1]);
    expect(world.routes.writes.map((w) => [w.routeTableId, w.eniId])).toEqual([[RTB1, NODE2.eni]]);
  });

  it("leaves the tables to the recorded claim's own invocation while that claim is still INTENT", async () => {
    // Prepare
    const world = makeWorld();
    world.state.seed({ ...appliedRecord(NODE2, 2_000), phase: 'INTENT' });
    // Act
    const outcome = await switchRoute(claim(NODE1, 1_000), world.deps);
    // Assess
    expect(outcome).toEqual(fencedOff('RejectedStale', 'recorded claim: node2 at 2000', 'node2'));
    expect(world.routes.writes).toEqual([]);
  });

  it('moves the tables to a claim newer than the record that lands while it puts them back', async () => {
    // Prepare
    const world = makeWorld();
    world.state.seed(appliedRecord(NODE2, 2_000));
    newerClaimDuringFirstWrite(world, claim(NODE1, 3_000));
    // Act
    const outcome = await switchRoute(claim(NODE1, 1_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({ kind: 'RejectedStale', owner: 'node1' });
    expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE1.eni, [RTB2]: NODE1.eni });
  });

  it('suspects split brain when another node claims with the same order token, and writes nothing', async () => {
    // Prepare
    const world = makeWorld();
    world.state.seed(appliedRecord(NODE2, 2_000));
    // Act
    const outcome = await switchRoute(claim(NODE1, 2_000), world.deps);
    // Assess
    expect(outcome).toEqual(
      fencedOff('SplitBrainSuspected', 'recorded claim: node2 at 2000', 'node2'),
    );
    expect(world.routes.writes).toEqual([]);
    expect(world.state.current(CLUSTER, VIP)).toMatchObject({ owner: 'node2', phase: 'APPLIED' });
  });

  it('fails closed when the fence cannot be written: the error propagates and nothing is written', async () => {
    // Prepare
    const world = makeWorld();
    const unavailable = awsError('ProvisionedThroughputExceededException', true);
    world.state.advanceError = unavailable;
    // Act
    const result = await settle(switchRoute(claim(NODE2, 2_000), world.deps));
    // Assess
    expect(result).toBe(unavailable);
    expect(world.routes.writes).toEqual([]);
    expect(world.tgw.writes).toEqual([]);
    expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE1.eni, [RTB2]: NODE1.eni });
  });

  it('reconciles the tables to the owner of a newer claim that lands while it writes', async () => {
    // Prepare
    const world = makeWorld();
    newerClaimDuringFirstWrite(world, claim(NODE1, 3_000));
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({
      kind: 'Switched',
      owner: 'node1',
      failed: [],
      detail: `superseded by node1 at 3000; reconciled to ${NODE1.eni}`,
    });
    expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE1.eni, [RTB2]: NODE1.eni });
    expect(world.routes.writesTo(RTB1).at(-1)?.eniId).toBe(NODE1.eni);
    expect(world.routes.writesTo(RTB2).at(-1)?.eniId).toBe(NODE1.eni);
    expect(world.state.current(CLUSTER, VIP)).toMatchObject({
      owner: 'node1',
      orderToken: 3_000,
      phase: 'INTENT',
    });
  });

  it('re-writes a table that another writer moved away while it was switching the others', async () => {
    // Prepare
    const world = makeWorld();
    world.routes.addTable(RTB2, VPC, DESTINATION, { eniId: NODE2.eni, state: 'active' });
    world.routes.beforeWrite = (write) => {
      if (write.routeTableId === RTB1) {
        world.routes.addTable(RTB2, VPC, DESTINATION, { eniId: NODE1.eni, state: 'active' });
      }
    };
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({ kind: 'Switched', changed: [RTB1, RTB2], failed: [] });
    expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE2.eni, [RTB2]: NODE2.eni });
    expect(world.routes.writesTo(RTB2)).toHaveLength(1);
  });

  describe('when a route write fails', () => {
    it('reports the failing table as Partial with its error code and still switches the others', async () => {
      // Prepare
      const world = makeWorld();
      world.routes.failWrites(RTB1, awsError('UnauthorizedOperation'));
      // Act
      const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
      // Assess
      expect(outcome).toMatchObject({
        kind: 'Partial',
        owner: 'node2',
        changed: [RTB2],
        failed: [
          {
            routeTableId: RTB1,
            code: 'UnauthorizedOperation',
            message: 'fake call failed: UnauthorizedOperation',
            retryable: false,
          },
        ],
      });
      expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE1.eni, [RTB2]: NODE2.eni });
      expect(phase(world)).toBe('PARTIAL');
    });

    it.each([
      {
        code: 'InvalidRoute.NotFound',
        failing: [RTB1],
        arrange: (world: World) => {
          // The route disappears between the read and the write.
          world.routes.beforeWrite = (write) => {
            if (write.routeTableId === RTB1) world.routes.deleteRoute(RTB1, DESTINATION);
          };
        },
      },
      {
        code: 'InvalidNetworkInterfaceID.NotFound',
        failing: [RTB1, RTB2],
        // The configured ENI of node2 no longer exists.
        arrange: (world: World) => world.routes.deleteEni(NODE2.eni),
      },
      {
        code: 'UnauthorizedOperation',
        failing: [RTB1],
        arrange: (world: World) => world.routes.failWrites(RTB1, awsError('UnauthorizedOperation')),
      },
      {
        code: 'InvalidRouteTableID.NotFound',
        failing: [RTB1],
        arrange: (world: World) => {
          // The table is deleted between the read and the write.
          world.routes.beforeWrite = (write) => {
            if (write.routeTableId === RTB1) world.routes.deleteTable(RTB1);
          };
        },
      },
    ])(
      'reports $code by its code, without retrying the write',
      async ({ code, failing, arrange }) => {
        // Prepare
        const world = makeWorld();
        arrange(world);
        // Act
        const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
        // Assess
        expect(outcome.kind).toBe('Partial');
        expect(outcome.failed.map((f) => [f.routeTableId, f.code, f.retryable])).toEqual(
          failing.map((id) => [id, code, false]),
        );
        for (const id of failing) expect(world.routes.writesTo(id)).toHaveLength(1);
        expect(phase(world)).toBe('PARTIAL');
      },
    );

    it('throws a retryable error for a throttled table after switching the others and recording PARTIAL', async () => {
      // Prepare
      const world = makeWorld();
      world.routes.failWrites(RTB1, awsError('RequestLimitExceeded', true));
      // Act
      const error = await settle(switchRoute(claim(NODE2, 2_000), world.deps));
      // Assess
      expect(error).toBeInstanceOf(RetryableSwitchError);
      expect((error as RetryableSwitchError).failures).toEqual([
        { routeTableId: RTB1, code: 'RequestLimitExceeded' },
      ]);
      expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE1.eni, [RTB2]: NODE2.eni });
      // The SDK has already retried the call; the event's own retry comes next, not another burst now.
      expect(world.routes.writesTo(RTB1)).toHaveLength(1);
      expect(phase(world)).toBe('PARTIAL');
    });

    it('throws a retryable error when the Transit Gateway write is throttled, after switching the tables', async () => {
      // Prepare
      const world = makeWorld();
      world.tgw.routes = [];
      world.tgw.writeError = awsError('RequestLimitExceeded', true);
      // Act
      const error = await settle(switchRoute(claim(NODE2, 2_000), world.deps));
      // Assess
      expect(error).toBeInstanceOf(RetryableSwitchError);
      expect((error as RetryableSwitchError).failures).toEqual([
        {
          routeTableId:
            world.deps.config.clusters[0]?.vips[0]?.transitGatewayRoutes[0]?.routeTableId,
          code: 'RequestLimitExceeded',
        },
      ]);
      expect(world.state.current(CLUSTER, VIP)?.phase).toBe('PARTIAL');
      expect(world.bus.published).toEqual([]);
      expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE2.eni, [RTB2]: NODE2.eni });
    });
  });

  describe('when a managed table lacks the VIP route', () => {
    it('reports it as RouteMissing and creates nothing when createMissingRoute is off', async () => {
      // Prepare
      const world = makeWorld();
      world.routes.deleteRoute(RTB1, DESTINATION);
      // Act
      const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
      // Assess
      expect(outcome).toMatchObject({
        kind: 'Partial',
        changed: [RTB2],
        failed: [{ routeTableId: RTB1, code: 'RouteMissing', retryable: false }],
      });
      expect(world.routes.writesTo(RTB1)).toEqual([]);
      expect(world.routes.target(RTB1, DESTINATION)).toBe('none');
    });

    it('creates the route to the claimant ENI when createMissingRoute is on', async () => {
      // Prepare
      const world = makeWorld({ createMissingRoute: true });
      world.routes.deleteRoute(RTB1, DESTINATION);
      // Act
      const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
      // Assess
      expect(outcome).toMatchObject({ kind: 'Switched', changed: [RTB1, RTB2], failed: [] });
      expect(world.routes.writesTo(RTB1)).toEqual([
        { op: 'createRoute', routeTableId: RTB1, destination: DESTINATION, eniId: NODE2.eni },
      ]);
      expect(world.routes.target(RTB1, DESTINATION)).toBe(NODE2.eni);
    });
  });

  describe('when reads lag behind writes', () => {
    it('polls with a doubling backoff until the writes show, and never writes another target', async () => {
      // Prepare
      const world = makeWorld();
      world.routes.staleReadsAfterWrite = 3;
      // Act
      const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
      // Assess
      expect(outcome).toMatchObject({ kind: 'Switched', changed: [RTB1, RTB2], pending: [] });
      expect(world.clock.sleeps).toEqual([50, 100, 200]);
      expect(world.routes.writes.map((w) => [w.routeTableId, w.eniId])).toEqual([
        [RTB1, NODE2.eni],
        [RTB2, NODE2.eni],
      ]);
      expect(phase(world)).toBe('APPLIED');
    });

    it('ends with VerifyTimeout, listing the tables still pending, when the budget runs out', async () => {
      // Prepare
      const world = makeWorld({}, { verifyBudgetMs: 1_000 });
      world.routes.staleReadsAfterWrite = 1_000;
      const started = world.clock.now().getTime();
      // Act
      const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
      // Assess
      expect(outcome).toMatchObject({
        kind: 'VerifyTimeout',
        changed: [RTB1, RTB2],
        failed: [],
        pending: [RTB1, RTB2],
      });
      expect(world.clock.sleeps).toEqual([50, 100, 200, 400, 250]);
      expect(world.clock.now().getTime() - started).toBe(1_000);
      expect(world.routes.writes.map((w) => [w.routeTableId, w.eniId])).toEqual([
        [RTB1, NODE2.eni],
        [RTB2, NODE2.eni],
      ]);
      expect(phase(world)).toBe('PARTIAL');
    });
  });

  describe('VPC boundaries', () => {
    it('never writes a listed table of another VPC and reports it as RouteTableNotInClusterVpc', async () => {
      // Prepare
      const world = makeWorld({ routeTables: [RTB1, RTB2, OTHER_VPC_RTB] });
      // Act
      const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
      // Assess
      expect(outcome).toMatchObject({
        kind: 'Partial',
        changed: [RTB1, RTB2],
        failed: [
          { routeTableId: OTHER_VPC_RTB, code: 'RouteTableNotInClusterVpc', retryable: false },
        ],
      });
      expect(world.routes.writesTo(OTHER_VPC_RTB)).toEqual([]);
      expect(world.routes.target(OTHER_VPC_RTB, DESTINATION)).toBe(OTHER_VPC_ENI);
    });

    it('never reads nor writes the route table of another VPC that carries the same VIP', async () => {
      // Prepare
      const world = makeWorld();
      // Act
      await switchRoute(claim(NODE2, 2_000), world.deps);
      // Assess
      const reads = world.routes.calls.filter((c) => c.op === 'withRoute' || c.op === 'byIds');
      expect(reads.length).toBeGreaterThan(0);
      expect(new Set(reads.map((c) => ('vpcId' in c ? c.vpcId : undefined)))).toEqual(
        new Set([VPC]),
      );
      expect(world.vpcs.calls).toEqual([VPC]);
      expect(world.routes.writes.map((w) => w.routeTableId)).not.toContain(OTHER_VPC_RTB);
      expect(world.routes.target(OTHER_VPC_RTB, DESTINATION)).toBe(OTHER_VPC_ENI);
    });

    it('ignores a table of another VPC even when the route-table reads let it through', async () => {
      // Prepare
      const world = makeWorld({ routeTables: [RTB1, RTB2, OTHER_VPC_RTB] });
      world.routes.leaksOtherVpcs = true;
      // Act
      const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
      // Assess
      expect(outcome.changed).toEqual([RTB1, RTB2]);
      expect(outcome.failed.map((f) => [f.routeTableId, f.code])).toEqual([
        [OTHER_VPC_RTB, 'RouteTableNotInClusterVpc'],
      ]);
      expect(world.routes.writesTo(OTHER_VPC_RTB)).toEqual([]);
      expect(world.routes.target(OTHER_VPC_RTB, DESTINATION)).toBe(OTHER_VPC_ENI);
    });
  });

  describe('when acting would be unsafe', () => {
    it('refuses when the VIP lies inside a CIDR block the VPC really has, and writes nothing', async () => {
      // Prepare
      const world = makeWorld();
      world.vpcs.blocks[VPC] = ['10.0.0.0/16', '10.1.0.0/16'];
      // Act
      const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
      // Assess
      expect(outcome).toEqual(
        refused('VipInsideVpc', '10.1.0.10 lies inside the VPC CIDR 10.1.0.0/16'),
      );
      expect(world.routes.writes).toEqual([]);
      expect(world.tgw.writes).toEqual([]);
      expect(world.state.history).toEqual([]);
    });

    it('refuses when no table of the cluster VPC carries the VIP', async () => {
      // Prepare
      const world = makeWorld({ routeTables: [], discoverRouteTables: true });
      world.routes.deleteRoute(RTB1, DESTINATION);
      world.routes.deleteRoute(RTB2, DESTINATION);
      // Act
      const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
      // Assess
      expect(outcome.kind).toBe('Refused');
      expect(outcome.detail).toMatch(/^NoManagedTables: /);
      expect(world.routes.writes).toEqual([]);
    });

    it('refuses when the VPC cannot be read for a reason a retry will not fix', async () => {
      // Prepare
      const world = makeWorld();
      world.vpcs.readError = awsError('UnauthorizedOperation');
      // Act
      const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
      // Assess
      expect(outcome).toEqual(
        refused('VpcUnreadable', 'UnauthorizedOperation: fake call failed: UnauthorizedOperation'),
      );
      expect(world.routes.writes).toEqual([]);
    });

    it('throws a read failure that a retry can fix, without writing', async () => {
      // Prepare
      const world = makeWorld();
      const throttled = awsError('RequestLimitExceeded', true);
      world.vpcs.readError = throttled;
      // Act
      const result = await settle(switchRoute(claim(NODE2, 2_000), world.deps));
      // Assess
      expect(result).toBe(throttled);
      expect(world.routes.writes).toEqual([]);
    });

    it('refuses a claim whose order token lies in the future, so it can never freeze the VIP', async () => {
      // Prepare
      const world = makeWorld();
      world.state.seed(appliedRecord(NODE1, 1_000));
      const forged = claim(NODE2, Number.MAX_SAFE_INTEGER);
      // Act
      const outcome = await switchRoute(forged, world.deps);
      // Assess
      expect(outcome).toMatchObject({ kind: 'Refused', refusal: 'OrderTokenInFuture' });
      expect(world.routes.writes).toEqual([]);
      expect(world.state.current(CLUSTER, VIP)).toMatchObject({
        owner: 'node1',
        orderToken: 1_000,
      });
      expect(world.state.history).toHaveLength(1);
    });

    it('accepts a claim whose order token is at most a few seconds ahead of its own clock', async () => {
      // Prepare: the heartbeat function's clock may run slightly ahead of this one.
      const world = makeWorld();
      const token = world.clock.now().getTime() + 1_000;
      // Act
      const outcome = await switchRoute(claim(NODE2, token), world.deps);
      // Assess
      expect(outcome.kind).toBe('Switched');
      expect(world.state.current(CLUSTER, VIP)).toMatchObject({
        owner: 'node2',
        orderToken: token,
      });
    });

    it('refuses a node the configuration does not know, before touching the store or EC2', async () => {
      // Prepare
      const world = makeWorld();
      const command = { ...claim(NODE2, 2_000), node: 'node9' };
      // Act
      const outcome = await switchRoute(command, world.deps);
      // Assess
      expect(outcome.kind).toBe('Refused');
      expect(outcome.detail).toBe(
        'UnknownNode: node "node9" is not configured in cluster "lk-demo"',
      );
      expect(world.routes.calls).toEqual([]);
      expect(world.state.history).toEqual([]);
    });
  });
});

describe("switchRoute, when the claimant's ENI is not usable", () => {
  it('refuses a claim whose ENI no longer exists and leaves the recorded owner in place', async () => {
    // Prepare
    const world = makeWorld();
    world.state.seed(appliedRecord(NODE1, 1_000));
    world.enis.enis.delete(NODE2.eni);
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({ kind: 'Refused', refusal: 'EniNotFound', changed: [] });
    expect(world.routes.writes).toEqual([]);
    expect(world.state.current(CLUSTER, VIP)).toMatchObject({
      owner: 'node1',
      orderToken: 1_000,
      phase: 'APPLIED',
    });
    expect(world.state.history).toHaveLength(1);
  });

  it('refuses a claim whose ENI is attached to another instance', async () => {
    // Prepare
    const world = makeWorld();
    world.enis.enis.set(NODE2.eni, { vpcId: VPC, attachedInstanceId: 'i-0ffffffffffffffff' });
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({ kind: 'Refused', refusal: 'EniDetached' });
    expect(world.routes.writes).toEqual([]);
    expect(world.state.current(CLUSTER, VIP)).toBeUndefined();
  });

  it('refuses a claim whose ENI is attached to nothing', async () => {
    // Prepare
    const world = makeWorld();
    world.enis.enis.set(NODE2.eni, { vpcId: VPC });
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({ kind: 'Refused', refusal: 'EniDetached' });
    expect(world.routes.writes).toEqual([]);
  });

  it('refuses a claim whose ENI lives in another VPC', async () => {
    // Prepare
    const world = makeWorld();
    world.enis.enis.set(NODE2.eni, { vpcId: OTHER_VPC, attachedInstanceId: NODE2.instanceId });
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({ kind: 'Refused', refusal: 'EniOutsideVpc' });
    expect(world.routes.writes).toEqual([]);
    expect(world.state.current(CLUSTER, VIP)).toBeUndefined();
  });

  it('lets an older valid claim win after a newer claim was refused for its ENI', async () => {
    // Prepare
    const world = makeWorld();
    world.state.seed(appliedRecord(NODE2, 1_000));
    world.enis.enis.delete(NODE2.eni);
    await switchRoute(claim(NODE2, 3_000), world.deps);
    // Act
    const outcome = await switchRoute(claim(NODE1, 2_000), world.deps);
    // Assess
    expect(outcome).toMatchObject({ kind: 'AlreadyInPlace', owner: 'node1' });
    expect(world.state.current(CLUSTER, VIP)).toMatchObject({ owner: 'node1', orderToken: 2_000 });
    expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE1.eni, [RTB2]: NODE1.eni });
  });

  it('throws an ENI read that a retry can fix, before the fence moves', async () => {
    // Prepare
    const world = makeWorld();
    const throttled = awsError('RequestLimitExceeded', true);
    world.enis.readError = throttled;
    // Act
    const result = await settle(switchRoute(claim(NODE2, 2_000), world.deps));
    // Assess
    expect(result).toBe(throttled);
    expect(world.routes.writes).toEqual([]);
    expect(world.state.history).toEqual([]);
  });

  it('reads the ENI in the same round as the CIDR blocks and the tables', async () => {
    // Prepare
    const world = makeWorld();
    const started: string[] = [];
    const { enis, vpcs, routes } = world;
    const deps = {
      ...world.deps,
      enis: {
        describe: (id: string) => {
          started.push('eni');
          return enis.describe(id);
        },
      },
      vpcs: {
        cidrBlocks: (id: string) => {
          started.push('cidr');
          return vpcs.cidrBlocks(id);
        },
      },
      routes: {
        withRoute: (v: string, d: string) => routes.withRoute(v, d),
        byIds: (v: string, ids: readonly string[], d: string) => {
          started.push('tables');
          return routes.byIds(v, ids, d);
        },
        replaceRoute: (id: string, d: string, eni: string) => routes.replaceRoute(id, d, eni),
        createRoute: (id: string, d: string, eni: string) => routes.createRoute(id, d, eni),
      },
    };
    // Act: what has started before the first answer comes back.
    const switching = switchRoute(claim(NODE2, 2_000), deps);
    const beforeAnyAnswer = [...started];
    const outcome = await switching;
    // Assess
    expect(beforeAnyAnswer.sort()).toEqual(['cidr', 'eni', 'tables']);
    expect(outcome.kind).toBe('Switched');
  });
});

describe('switchRoute, Transit Gateway route', () => {
  const OTHER_ATTACHMENT = 'tgw-attach-0f0f0f0f0f0f0f0f0';
  const write = (op: TgwCall['op']): TgwCall => ({
    op,
    routeTableId: TGW_RTB,
    destination: DESTINATION,
    attachmentId: TGW_ATTACHMENT,
  });

  it.each<{
    situation: string;
    routes: TgwRouteView[];
    complete?: boolean;
    result: TgwResult;
    writes: TgwCall[];
  }>([
    {
      situation: 'creates the static route when it is missing',
      routes: [],
      result: { finding: 'Missing', action: 'create' },
      writes: [write('createRoute')],
    },
    {
      situation: 'replaces a blackholed static route',
      routes: [{ type: 'static', state: 'blackhole', attachmentIds: [TGW_ATTACHMENT] }],
      result: { finding: 'Blackhole', action: 'replace' },
      writes: [write('replaceRoute')],
    },
    {
      situation: 'replaces a static route to another attachment',
      routes: [{ type: 'static', state: 'active', attachmentIds: [OTHER_ATTACHMENT] }],
      result: { finding: 'WrongAttachment', action: 'replace' },
      writes: [write('replaceRoute')],
    },
    {
      situation: 'creates the static route when only a propagated route exists',
      routes: [{ type: 'propagated', state: 'active', attachmentIds: [OTHER_ATTACHMENT] }],
      result: { finding: 'PropagatedOnly', action: 'create' },
      writes: [write('createRoute')],
    },
    {
      situation: 'writes nothing when the static route shows no attachment',
      routes: [{ type: 'static', state: 'active', attachmentIds: [] }],
      result: { finding: 'TargetUnobservable', action: 'none' },
      writes: [],
    },
    {
      situation: 'writes nothing when the route search is incomplete',
      routes: [],
      complete: false,
      result: { finding: 'SearchIncomplete', action: 'none' },
      writes: [],
    },
    {
      situation: 'leaves a static route to the cluster attachment in place',
      routes: [{ type: 'static', state: 'active', attachmentIds: [TGW_ATTACHMENT] }],
      result: { finding: 'InPlace', action: 'none' },
      writes: [],
    },
  ])('$situation', async ({ routes, complete, result, writes }) => {
    // Prepare
    const world = makeWorld();
    world.tgw.routes = structuredClone(routes);
    world.tgw.complete = complete ?? true;
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome.tgw).toEqual(result);
    expect(world.tgw.writes).toEqual(writes);
    if (writes.length > 0) {
      expect(world.tgw.routes.filter((r) => r.type === 'static')).toEqual([
        { type: 'static', state: 'active', attachmentIds: [TGW_ATTACHMENT] },
      ]);
    }
  });

  it('reports a Transit Gateway write that a retry cannot fix without throwing', async () => {
    // Prepare
    const world = makeWorld();
    world.tgw.routes = [];
    world.tgw.writeError = awsError('UnauthorizedOperation');
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome.tgw).toEqual({
      finding: 'Missing',
      action: 'failed',
      code: 'UnauthorizedOperation',
      retryable: false,
    });
    expect(outcome.kind).toBe('Partial');
    expect(outcome.failed).toEqual([
      expect.objectContaining({ routeTableId: TGW_RTB, code: 'UnauthorizedOperation' }),
    ]);
    expect(world.state.current(CLUSTER, VIP)?.phase).toBe('PARTIAL');
  });

  it('reports an incomplete Transit Gateway search as Partial, never as Switched', async () => {
    // Prepare
    const world = makeWorld();
    world.tgw.routes = [];
    world.tgw.complete = false;
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome.kind).toBe('Partial');
    expect(outcome.failed).toEqual([
      expect.objectContaining({ routeTableId: TGW_RTB, code: 'TgwSearchIncomplete' }),
    ]);
  });

  it('leaves the Transit Gateway alone when the VIP has no transitGatewayRoute', async () => {
    // Prepare
    const world = makeWorld({ transitGatewayRoute: undefined });
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome.tgw).toBeUndefined();
    expect(world.tgw.calls).toEqual([]);
  });
});

describe('switchRoute, reporting', () => {
  it('publishes Route Switch Completed with the outcome, after recording the phase', async () => {
    // Prepare
    const world = makeWorld();
    // Act
    await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(world.bus.published).toEqual([
      {
        detailType: 'Route Switch Completed',
        detail: expect.objectContaining({
          version: '1',
          cluster: CLUSTER,
          vip: VIP,
          node: NODE2.name,
          owner: NODE2.name,
          outcome: 'Switched',
          changed: [RTB1, RTB2],
          failed: [],
          idempotencyKey: claim(NODE2, 2_000).idempotencyKey,
        }),
      },
    ]);
    expect(world.state.current(CLUSTER, VIP)?.phase).toBe('APPLIED');
  });

  it('publishes Route Switch Failed for a stale claim', async () => {
    // Prepare
    const world = makeWorld();
    await switchRoute(claim(NODE2, 2_000), world.deps);
    // Act
    await switchRoute(claim(NODE1, 1_000), world.deps);
    // Assess
    expect(world.bus.published.map((e) => [e.detailType, e.detail.outcome])).toEqual([
      ['Route Switch Completed', 'Switched'],
      ['Route Switch Failed', 'RejectedStale'],
    ]);
  });

  it('publishes Route Switch Failed naming the refusal reason for a claim whose ENI is gone', async () => {
    // Prepare
    const world = makeWorld();
    world.enis.enis.delete(NODE2.eni);
    // Act
    await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    const [event] = world.bus.published;
    expect(event?.detailType).toBe('Route Switch Failed');
    expect(RouteSwitchResult.parse(event?.detail)).toMatchObject({
      outcome: 'Refused',
      refusal: 'EniNotFound',
      changed: [],
    });
  });

  it('publishes the tables a stale claim put back on the recorded owner', async () => {
    // Prepare
    const world = makeWorld();
    world.state.seed(appliedRecord(NODE2, 2_000));
    // Act
    await switchRoute(claim(NODE1, 1_000), world.deps);
    // Assess
    const [event] = world.bus.published;
    expect(RouteSwitchResult.parse(event?.detail)).toMatchObject({
      outcome: 'RejectedStale',
      node: 'node1',
      owner: 'node2',
      changed: [RTB1, RTB2],
    });
  });

  it('fails (to be retried) when the bus refuses the result, and the retry writes nothing again', async () => {
    // Prepare
    const world = makeWorld();
    world.bus.failNext = 1;
    // Act
    const first = await settle(switchRoute(claim(NODE2, 2_000), world.deps));
    const writesAfterFirst = world.routes.writes.length;
    const retry = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(first).toBeInstanceOf(PublishError);
    expect(retry.kind).toBe('AlreadyInPlace');
    expect(world.routes.writes).toHaveLength(writesAfterFirst);
    expect(world.bus.published.map((e) => e.detail.outcome)).toEqual(['AlreadyInPlace']);
  });
});
