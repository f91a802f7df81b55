/**
 * The routeSwitch handler in-process against a real moto_server, through the real SDK, asserting the
 * route tables as EC2 reports them afterwards.
 *
 * What moto cannot emulate is covered by unit tests with aws-sdk-client-mock instead
 * (test/unit/shared/domain/switch/switch-route.test.ts and test/unit/shared/aws/*.test.ts): Transit Gateway route targets
 * (moto always reports no attachment), ReplaceTransitGatewayRoute (not implemented), blackhole route
 * states and DryRun (ignored by moto).
 */

import { ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  AssociateVpcCidrBlockCommand,
  DeleteNetworkInterfaceCommand,
  DeleteRouteCommand,
  DescribeNetworkInterfacesCommand,
  DetachNetworkInterfaceCommand,
} from '@aws-sdk/client-ec2';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { type EventLogReader, eventLogReader } from '../../dev/event-log';
import { CLUSTER, type Topology, topologyConfig, VIP } from '../../dev/guide';
import { stackEnvironment, stackTables } from '../../dev/local-stack';
import type { Tables } from '../../dev/tables';
import { type AwsClients, buildTopology, vipTargets } from '../../dev/topology';
import { buildDeps } from '../../functions/route-switch/deps';
import { makeHandler } from '../../functions/route-switch/handler';
import type { SwitchOutcome } from '../../shared/domain/switch/outcomes';
import { COMPLETED, FAILED } from '../../shared/events/route-switch-result';
import { instrument } from '../../shared/telemetry';
import {
  clients,
  deployedStack,
  emulatorEnv,
  resetEmulator,
  writeConfig,
} from '../support/emulator';
import { lambdaContext, switchRequestEvent } from '../support/events';

interface World {
  aws: AwsClients;
  topology: Topology;
  tables: Tables;
  /** The stack's event log: what the deployed event-log rule saw on the bus. */
  log: EventLogReader;
  handle: (event: unknown, remainingMs?: number) => Promise<SwitchOutcome>;
}

const setUp = async (vip: Parameters<typeof topologyConfig>[1] = {}): Promise<World> => {
  await resetEmulator();
  const stack = await deployedStack();
  const aws = clients();
  const topology = await buildTopology(aws.ec2);
  const tables = stackTables(stack);
  const log = await eventLogReader(aws.logs, stack.eventLog);
  const env = emulatorEnv({
    ...stackEnvironment(stack),
    ROUTEKEEPER_CONFIG: writeConfig(topologyConfig(topology, vip)),
    VERIFY_BUDGET_MS: '2000',
  });
  const handler = instrument(makeHandler(buildDeps(env)));
  return {
    aws,
    topology,
    tables,
    log,
    handle: (event, remainingMs) => handler(event, lambdaContext(remainingMs) as Context),
  };
};

/** The switch results published since the last look. */
const drain = async (log: EventLogReader) =>
  (await log.next()).filter((e) => e['detail-type'] === COMPLETED || e['detail-type'] === FAILED);

const stateRecord = async (world: World) =>
  (
    await DynamoDBDocumentClient.from(world.aws.dynamodb).send(
      new GetCommand({ TableName: world.tables.state, Key: { pk: `${CLUSTER}#${VIP}` } }),
    )
  ).Item;

const detach = async (world: World, eniId: string) => {
  const described = await world.aws.ec2.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }),
  );
  const attachmentId = described.NetworkInterfaces?.[0]?.Attachment?.AttachmentId;
  await world.aws.ec2.send(
    new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId, Force: true }),
  );
};

describe('routeSwitch on the emulator', () => {
  let world: World;
  beforeEach(async () => {
    world = await setUp();
  });

  it('moves every managed table to node2 and publishes Route Switch Completed', async () => {
    // Prepare
    const [node1, node2] = world.topology.nodes;
    expect(await vipTargets(world.aws.ec2, world.topology.routeTables)).toEqual(
      Object.fromEntries(world.topology.routeTables.map((id) => [id, node1?.eniId])),
    );
    // Act
    const outcome = await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }));
    // Assess
    expect(outcome.kind).toBe('Switched');
    expect(await vipTargets(world.aws.ec2, world.topology.routeTables)).toEqual(
      Object.fromEntries(world.topology.routeTables.map((id) => [id, node2?.eniId])),
    );
    const events = await drain(world.log);
    expect(events.map((e) => [e['detail-type'], e.detail.outcome, e.detail.owner])).toEqual([
      [COMPLETED, 'Switched', 'node2'],
    ]);
    expect(await stateRecord(world)).toMatchObject({
      owner: 'node2',
      eni: node2?.eniId,
      orderToken: 2_000,
      phase: 'APPLIED',
    });
  });

  it('leaves the route table of another VPC that holds the same VIP untouched', async () => {
    // Prepare
    const before = await vipTargets(world.aws.ec2, [world.topology.otherVpcRouteTable]);
    // Act
    await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }));
    // Assess
    expect(before).toEqual({ [world.topology.otherVpcRouteTable]: world.topology.otherVpcEni });
    expect(await vipTargets(world.aws.ec2, [world.topology.otherVpcRouteTable])).toEqual(before);
  });

  it('replays a redelivered request from the idempotency store without a second effect', async () => {
    // Prepare
    const event = switchRequestEvent({ node: 'node2', orderToken: 2_000 });
    const first = await world.handle(event);
    await drain(world.log);
    // A hand edit between deliveries shows whether the redelivery writes again.
    const [node1] = world.topology.nodes;
    const [table] = world.topology.routeTables;
    await world.aws.ec2.send(
      new DeleteRouteCommand({ RouteTableId: table, DestinationCidrBlock: `${VIP}/32` }),
    );
    // Act
    const second = await world.handle(structuredClone(event));
    // Assess
    expect(second).toEqual(first);
    expect((await vipTargets(world.aws.ec2, [table as string]))[table as string]).toBe('none');
    expect(await drain(world.log)).toEqual([]);
    expect(node1).toBeDefined();
  });

  it("answers a redelivered claim whose capped token grew with the first delivery's outcome", async () => {
    // Prepare: the first delivery of node1's claim loses; its redelivery was received later, so the
    // heartbeat function capped its token higher, but the key comes from the signed claim and is the same.
    const [, node2] = world.topology.nodes;
    await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }));
    const idempotencyKey = `failover#${CLUSTER}#${VIP}#node1#9000`;
    const first = await world.handle(
      switchRequestEvent({ node: 'node1', orderToken: 1_000, idempotencyKey }),
    );
    // Act
    const again = await world.handle(
      switchRequestEvent({ node: 'node1', orderToken: 3_000, idempotencyKey }),
    );
    // Assess
    expect(first.kind).toBe('RejectedStale');
    expect(again).toEqual(first);
    expect(Object.values(await vipTargets(world.aws.ec2, world.topology.routeTables))).toEqual(
      world.topology.routeTables.map(() => node2?.eniId),
    );
    expect(await stateRecord(world)).toMatchObject({ owner: 'node2', orderToken: 2_000 });
  });

  it('rejects a stale claim and leaves the tables as the newer claim set them', async () => {
    // Prepare
    const [, node2] = world.topology.nodes;
    await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }));
    // Act
    const outcome = await world.handle(switchRequestEvent({ node: 'node1', orderToken: 1_000 }));
    // Assess
    expect(outcome.kind).toBe('RejectedStale');
    expect(Object.values(await vipTargets(world.aws.ec2, world.topology.routeTables))).toEqual(
      world.topology.routeTables.map(() => node2?.eniId),
    );
    expect(await stateRecord(world)).toMatchObject({ owner: 'node2', orderToken: 2_000 });
  });

  it('refuses a warm switch once the VIP lies inside a CIDR block added to the VPC since the last switch', async () => {
    // Prepare: a first switch warms the container (and any cache it keeps), then the VPC grows.
    const [, node2] = world.topology.nodes;
    await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }));
    await world.aws.ec2.send(
      new AssociateVpcCidrBlockCommand({ VpcId: world.topology.vpcA, CidrBlock: '10.1.0.0/16' }),
    );
    // Act
    const outcome = await world.handle(switchRequestEvent({ node: 'node1', orderToken: 3_000 }));
    // Assess
    expect(outcome).toMatchObject({ kind: 'Refused', refusal: 'VipInsideVpc' });
    expect(Object.values(await vipTargets(world.aws.ec2, world.topology.routeTables))).toEqual(
      world.topology.routeTables.map(() => node2?.eniId),
    );
  });

  it('refuses a claim for a node whose ENI was detached from its instance, and records nothing', async () => {
    // Prepare
    const [node1, node2] = world.topology.nodes;
    await detach(world, node2?.eniId as string);
    // Act
    const outcome = await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }));
    // Assess
    expect(outcome).toMatchObject({ kind: 'Refused', refusal: 'EniDetached' });
    expect(Object.values(await vipTargets(world.aws.ec2, world.topology.routeTables))).toEqual(
      world.topology.routeTables.map(() => node1?.eniId),
    );
    expect(await stateRecord(world)).toBeUndefined();
  });

  it('refuses a claim for a node whose ENI was deleted, and the recorded owner stays the owner', async () => {
    // Prepare
    const [node1, node2] = world.topology.nodes;
    await world.handle(switchRequestEvent({ node: 'node1', orderToken: 1_000 }));
    await detach(world, node2?.eniId as string);
    await world.aws.ec2.send(
      new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: node2?.eniId as string }),
    );
    // Act
    const outcome = await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }));
    // Assess
    expect(outcome).toMatchObject({ kind: 'Refused', refusal: 'EniNotFound', changed: [] });
    expect(Object.values(await vipTargets(world.aws.ec2, world.topology.routeTables))).toEqual(
      world.topology.routeTables.map(() => node1?.eniId),
    );
    expect(await stateRecord(world)).toMatchObject({ owner: 'node1', orderToken: 1_000 });
    const events = await drain(world.log);
    expect(events.map((e) => [e['detail-type'], e.detail.outcome])).toEqual([
      [COMPLETED, 'AlreadyInPlace'],
      [FAILED, 'Refused'],
    ]);
  });

  it('reports a managed table without the VIP route as RouteMissing and still switches the others', async () => {
    // Prepare
    const [first, second] = world.topology.routeTables as [string, string];
    await world.aws.ec2.send(
      new DeleteRouteCommand({ RouteTableId: first, DestinationCidrBlock: `${VIP}/32` }),
    );
    // Act
    const outcome = await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }));
    // Assess
    expect(outcome.kind).toBe('Partial');
    expect(outcome.failed).toEqual([
      expect.objectContaining({ routeTableId: first, code: 'RouteMissing' }),
    ]);
    const targets = await vipTargets(world.aws.ec2, [first, second]);
    expect(targets).toEqual({ [first]: 'none', [second]: world.topology.nodes[1]?.eniId });
    const events = await drain(world.log);
    expect(events.map((e) => [e['detail-type'], e.detail.outcome])).toEqual([[FAILED, 'Partial']]);
  });
});

describe('routeSwitch idempotency lock on the emulator', () => {
  it('holds the in-progress lock at most 55 s even with 300 s left, so a crashed attempt never outlives the retries', async () => {
    // Prepare
    const world = await setUp();
    const started = Date.now();
    // Act
    await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }), 300_000);
    // Assess
    const records = await world.aws.dynamodb.send(
      new ScanCommand({ TableName: world.tables.idempotency }),
    );
    const expiry = Number(records.Items?.[0]?.in_progress_expiration?.N);
    expect(records.Items).toHaveLength(1);
    expect(expiry - started).toBeGreaterThan(54_000);
    expect(expiry - started).toBeLessThanOrEqual(56_000 + (Date.now() - started));
  });
});

describe('routeSwitch on the emulator, when the configuration allows creating missing routes', () => {
  it('creates the VIP route in a managed table that lacks it', async () => {
    // Prepare
    const world = await setUp({ createMissingRoute: true });
    const [first] = world.topology.routeTables as [string];
    await world.aws.ec2.send(
      new DeleteRouteCommand({ RouteTableId: first, DestinationCidrBlock: `${VIP}/32` }),
    );
    // Act
    const outcome = await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }));
    // Assess
    expect(outcome.kind).toBe('Switched');
    expect((await vipTargets(world.aws.ec2, [first]))[first]).toBe(world.topology.nodes[1]?.eniId);
  });

  it('discovers every table of the cluster VPC that carries the VIP, and no table of another VPC', async () => {
    // Prepare
    const world = await setUp({ routeTables: [], discoverRouteTables: true });
    // Act
    const outcome = await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }));
    // Assess
    expect(outcome.kind).toBe('Switched');
    expect([...outcome.changed].sort()).toEqual([...world.topology.routeTables].sort());
    expect(await vipTargets(world.aws.ec2, [world.topology.otherVpcRouteTable])).toEqual({
      [world.topology.otherVpcRouteTable]: world.topology.otherVpcEni,
    });
  });
});
