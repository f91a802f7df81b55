/**
 * routeSwitch's critical path (issue 13): the read round does not wait for the idempotency lock, and what
 * the lock guarantees still holds. The fault proxy holds the lock's answer, so its order against the reads
 * is visible in the calls it records; the route tables are asserted as the emulator reports them.
 */
import { DeleteRouteCommand } from '@aws-sdk/client-ec2';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../dev/fault-proxy';
import { type Topology, topologyConfig, VIP } from '../../dev/guide';
import { stackEnvironment } from '../../dev/local-stack';
import { type AwsClients, buildTopology, vipTargets } from '../../dev/topology';
import { buildDeps } from '../../functions/route-switch/deps';
import { makeHandler } from '../../functions/route-switch/handler';
import type { SwitchOutcome } from '../../shared/domain/switch/outcomes';
import { instrument } from '../../shared/telemetry';
import {
  clients,
  deployedStack,
  emulatorEnv,
  motoUrl,
  resetEmulator,
  writeConfig,
} from '../support/emulator';
import { lambdaContext, switchRequestEvent } from '../support/events';

const LOCK_HELD_MS = 400;

interface World {
  aws: AwsClients;
  topology: Topology;
  proxy: FaultProxy;
  handle: (event: unknown) => Promise<SwitchOutcome>;
}

const setUp = async (): Promise<World> => {
  await resetEmulator();
  const aws = clients();
  const stack = await deployedStack();
  const topology = await buildTopology(aws.ec2);
  const proxy = await startFaultProxy({ target: motoUrl(), seed: 13 });
  const env = {
    ...emulatorEnv({
      ...stackEnvironment(stack),
      ROUTEKEEPER_CONFIG: writeConfig(topologyConfig(topology)),
      VERIFY_BUDGET_MS: '2000',
    }),
    AWS_ENDPOINT_URL: proxy.url,
  };
  const handler = instrument(makeHandler(buildDeps(env)));
  return {
    aws,
    topology,
    proxy,
    handle: (event) => handler(event, lambdaContext() as Context),
  };
};

/** The idempotency lock: the first PutItem on the idempotency table. */
const isLock = (body: unknown) =>
  /-idempotency$/.test((body as { TableName?: string } | undefined)?.TableName ?? '');

describe('routeSwitch reads while the idempotency lock is taken', () => {
  let world: World;
  beforeEach(async () => {
    world = await setUp();
    world.proxy.setRules([
      {
        service: 'dynamodb',
        operations: ['PutItem'],
        when: (call) => isLock(call.body),
        fault: { kind: 'latency', minMs: LOCK_HELD_MS, maxMs: LOCK_HELD_MS },
      },
    ]);
  });
  afterEach(async () => {
    process.env.AWS_ENDPOINT_URL = motoUrl();
    await world.proxy.close();
  });

  it('sends the route table, VPC and ENI reads before the idempotency lock answers', async () => {
    // Act
    const outcome = await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }));
    // Assess
    expect(outcome.kind).toBe('Switched');
    const lock = world.proxy.calls.find((c) => c.operation === 'PutItem' && isLock(c.body));
    const reads = world.proxy.calls.filter((c) =>
      ['DescribeRouteTables', 'DescribeVpcs', 'DescribeNetworkInterfaces'].includes(c.operation),
    );
    expect(lock?.repliedAt).toBeDefined();
    expect(new Set(reads.map((c) => c.operation)).size).toBe(3);
    const firstRound = reads.filter((c) => c.receivedAt < (lock?.repliedAt ?? 0));
    expect(new Set(firstRound.map((c) => c.operation))).toEqual(
      new Set(['DescribeRouteTables', 'DescribeVpcs', 'DescribeNetworkInterfaces']),
    );
  });

  it('writes no route before the idempotency lock is taken and the fence has moved', async () => {
    // Act
    await world.handle(switchRequestEvent({ node: 'node2', orderToken: 2_000 }));
    // Assess
    const lock = world.proxy.calls.find((c) => c.operation === 'PutItem' && isLock(c.body));
    const fence = world.proxy.calls.find(
      (c) =>
        c.operation === 'UpdateItem' &&
        /-state$/.test((c.body as { TableName?: string }).TableName ?? ''),
    );
    const writes = world.proxy.calls.filter((c) => c.operation === 'ReplaceRoute');
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes) {
      expect(write.receivedAt).toBeGreaterThan(lock?.repliedAt ?? Number.POSITIVE_INFINITY);
      expect(write.receivedAt).toBeGreaterThan(fence?.repliedAt ?? Number.POSITIVE_INFINITY);
    }
  });

  it('answers a redelivery from the idempotency store and writes nothing, although it read again', async () => {
    // Prepare
    const event = switchRequestEvent({ node: 'node2', orderToken: 2_000 });
    const first = await world.handle(event);
    const [table] = world.topology.routeTables;
    await world.aws.ec2.send(
      new DeleteRouteCommand({ RouteTableId: table, DestinationCidrBlock: `${VIP}/32` }),
    );
    world.proxy.reset();
    // Act
    const second = await world.handle(structuredClone(event));
    // Assess
    expect(second).toEqual(first);
    expect(world.proxy.calls.filter((c) => /Route$/.test(c.operation))).toEqual([]);
    expect((await vipTargets(world.aws.ec2, [table as string]))[table as string]).toBe('none');
  });
});
