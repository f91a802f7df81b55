/**
 * The check engine against the guide's topology on a real moto_server, through the real SDK:
 * `routekeeper doctor` (its main(), in-process) must pass everything except what moto cannot emulate,
 * then each way of breaking the topology must give exactly its finding; the drift function in repair
 * mode must restore the VIP route through routeSwitch and leave the other VPC alone.
 *
 * What moto cannot emulate, so it stays `unknown` here and is covered by unit tests instead
 * (test/unit/shared/domain/checks/findings.test.ts, test/unit/shared/aws/permission-probes.test.ts):
 * - tgw.vip-route TgwRouteTargetUnobservable: moto never reports a TGW route's attachment;
 * - routekeeper.permissions: moto ignores DryRun (runs the call) and lacks ReplaceTransitGatewayRoute;
 * - dx.allowed-prefixes: moto has no Direct Connect gateways (not configured here);
 * - blackhole routes: moto never reports them.
 */

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import {
  CreateRouteCommand,
  DeleteRouteCommand,
  DeleteTransitGatewayRouteCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ReplaceRouteCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/routekeeper/main';
import { CLUSTER, ON_PREM_CIDR, topologyConfig, VIP } from '../../dev/guide';
import { type AwsClients, addVips, recordHeartbeats, vipTargets } from '../../dev/topology';
import { buildDeps as buildDriftDeps } from '../../functions/drift/deps';
import { makeHandler as makeDriftHandler } from '../../functions/drift/handler';
import { DETAIL_TYPE as DRIFT_DETECTED } from '../../shared/events/route-drift-detected';
import { DETAIL_TYPE as SWITCH_REQUESTED } from '../../shared/events/route-switch-requested';
import { clients, writeConfig } from '../support/emulator';
import {
  bootstrapNode1,
  deliveredSwitchRequests,
  deployWorld,
  driftFunction,
  routeSwitchFunction,
  type StackWorld,
  worldEnv,
} from '../support/stack-world';

/** What moto cannot emulate: the only result that is not a pass on a correct topology (probes off). */
const MOTO_CANNOT = 'tgw.vip-route TgwRouteTargetUnobservable unknown';

interface World extends StackWorld {
  configPath: string;
  env: NodeJS.ProcessEnv;
}

const seedHeartbeats = (aws: AwsClients, table: string) =>
  recordHeartbeats(aws.dynamodb, table, CLUSTER, [
    { node: 'node1', clockSkewMs: 35 },
    { node: 'node2', clockSkewMs: -20 },
  ]);

/** The guide's topology, correct: no other VPC routes the VIP, node1 owns it (a bootstrap claim). */
const setUp = async (
  cluster: Parameters<typeof topologyConfig>[2] = {},
  options: { routeTables?: number; vips?: number } = {},
): Promise<World> => {
  const deployed = await deployWorld({
    routeTables: options.routeTables ?? 2,
    otherVpcRoute: false,
  });
  const { aws, topology, tables } = deployed;
  const extraVips = await addVips(aws, topology, (options.vips ?? 1) - 1);
  const base = topologyConfig(topology, {}, cluster);
  const [first] = base.clusters;
  const vips = first?.vips ?? [];
  const configPath = writeConfig({
    clusters: [
      { ...first, vips: [...vips, ...extraVips.map((address) => ({ ...vips[0], address }))] },
    ],
  });
  const env = worldEnv(deployed, { ROUTEKEEPER_CONFIG: configPath, VERIFY_BUDGET_MS: '2000' });
  const world = { ...deployed, configPath, env };
  const bootstrap = await bootstrapNode1(world.env);
  expect(bootstrap.kind).toBe('AlreadyInPlace');
  await seedHeartbeats(aws, tables.liveness);
  return world;
};

const doctor = async (world: World, ...extra: string[]) => {
  let out = '';
  const code = await main(
    [
      'doctor',
      '--config',
      world.configPath,
      '--state-table',
      world.tables.state,
      '--liveness-table',
      world.tables.liveness,
      '--json',
      ...extra,
    ],
    { out: (t) => (out += t), err: () => undefined, env: world.env },
  );
  const report = JSON.parse(out) as {
    clusters: { results: { check: string; code: string; outcome: string; subject?: string }[] }[];
  };
  const results = report.clusters[0]?.results ?? [];
  return {
    code,
    results,
    findings: results
      .filter((r) => r.outcome !== 'pass')
      .map((r) => `${r.check} ${r.code} ${r.outcome}`),
  };
};

/**
 * What drift published since the last look (its findings and repair requests, not the bootstrap's
 * result), as the stack's event log recorded it; read until each of `wanted` is there, at most 3 s each.
 */
const drain = async (world: World, wanted: readonly string[] = [DRIFT_DETECTED]) => {
  const events = await world.log.next();
  for (const type of wanted)
    if (!events.some((e) => e['detail-type'] === type))
      events.push(
        ...(await world.log.next({ until: (e) => e['detail-type'] === type, timeoutMs: 3_000 })),
      );
  return events.filter(
    (e) => e['detail-type'] === DRIFT_DETECTED || e['detail-type'] === SWITCH_REQUESTED,
  );
};

describe('routekeeper doctor on the guide topology (emulator)', () => {
  let world: World;
  beforeEach(async () => {
    world = await setUp();
  });

  it('passes every check except what moto cannot emulate', async () => {
    // Act
    const { code, results, findings } = await doctor(world, '--no-probes');
    // Assess
    expect(findings).toEqual([MOTO_CANNOT]);
    expect(code).toBe(3); // nothing failed, but not everything could be verified
    expect(new Set(results.filter((r) => r.outcome === 'pass').map((r) => r.check))).toEqual(
      new Set([
        'onprem.cidrs',
        'tgw.defaults',
        'tgw.attachment',
        'tgw.attachment-azs',
        'vpc.exists',
        'vpc.vip-outside-cidr',
        'vpc.vip-route',
        'vpc.on-prem-route',
        'vpc.conflict',
        'vpc.flapping',
        'nodes.multi-az',
        'nodes.eni',
        'nodes.source-dest-check',
        'nodes.heartbeat',
        'nodes.clock-skew',
        'routekeeper.maintenance',
      ]),
    );
  });

  it('reports the VIP route pointing at the standby ENI', async () => {
    // Prepare
    const [, table2] = world.topology.routeTables as [string, string];
    await world.aws.ec2.send(
      new ReplaceRouteCommand({
        RouteTableId: table2,
        DestinationCidrBlock: `${VIP}/32`,
        NetworkInterfaceId: world.topology.nodes[1]?.eniId,
      }),
    );
    // Act
    const { code, findings, results } = await doctor(world, '--no-probes');
    // Assess
    expect(findings).toEqual([MOTO_CANNOT, 'vpc.vip-route VipRouteWrongTarget fail']);
    expect(results.find((r) => r.code === 'VipRouteWrongTarget')?.subject).toBe(table2);
    expect(code).toBe(1);
  });

  it('reports a deleted VIP route', async () => {
    // Prepare
    const [table1] = world.topology.routeTables as [string];
    await world.aws.ec2.send(
      new DeleteRouteCommand({ RouteTableId: table1, DestinationCidrBlock: `${VIP}/32` }),
    );
    // Act
    const { findings } = await doctor(world, '--no-probes');
    // Assess
    expect(findings).toEqual([MOTO_CANNOT, 'vpc.vip-route VipRouteMissing fail']);
  });

  it('reports a removed on-premises route', async () => {
    // Prepare
    const [table1] = world.topology.routeTables as [string];
    await world.aws.ec2.send(
      new DeleteRouteCommand({ RouteTableId: table1, DestinationCidrBlock: ON_PREM_CIDR }),
    );
    // Act
    const { findings } = await doctor(world, '--no-probes');
    // Assess
    expect(findings).toEqual([MOTO_CANNOT, 'vpc.on-prem-route OnPremRouteMissing fail']);
  });

  it('reports source/destination check turned back on', async () => {
    // Prepare
    await world.aws.ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: world.topology.nodes[1]?.eniId,
        SourceDestCheck: { Value: true },
      }),
    );
    // Act
    const { findings } = await doctor(world, '--no-probes');
    // Assess
    expect(findings).toEqual([MOTO_CANNOT, 'nodes.source-dest-check SourceDestCheckEnabled fail']);
  });

  it('reports a same-VIP route in another VPC', async () => {
    // Prepare
    await world.aws.ec2.send(
      new CreateRouteCommand({
        RouteTableId: world.topology.otherVpcRouteTable,
        DestinationCidrBlock: `${VIP}/32`,
        NetworkInterfaceId: world.topology.otherVpcEni,
      }),
    );
    // Act
    const { findings } = await doctor(world, '--no-probes');
    // Assess
    expect(findings).toEqual([MOTO_CANNOT, 'vpc.conflict OtherVpcVipRoute fail']);
  });

  it('reports a deleted Transit Gateway VIP route', async () => {
    // Prepare
    await world.aws.ec2.send(
      new DeleteTransitGatewayRouteCommand({
        TransitGatewayRouteTableId: world.topology.tgwRouteTableId,
        DestinationCidrBlock: `${VIP}/32`,
      }),
    );
    // Act
    const { findings } = await doctor(world, '--no-probes');
    // Assess
    expect(findings).toEqual(['tgw.vip-route TgwRouteMissing fail']);
  });

  it('reports the permission probes moto cannot answer as unknown, and changes no route', async () => {
    // Prepare
    const before = await vipTargets(world.aws.ec2, world.topology.routeTables);
    // Act
    const { findings, code } = await doctor(world);
    // Assess
    expect(findings).toEqual([
      MOTO_CANNOT,
      'routekeeper.permissions DryRunIgnored unknown',
      'routekeeper.permissions DryRunIgnored unknown',
      'routekeeper.permissions ProbeNotEmulated unknown',
    ]);
    expect(code).toBe(3);
    expect(await vipTargets(world.aws.ec2, world.topology.routeTables)).toEqual(before);
  });
});

describe('drift function in repair mode (emulator)', () => {
  it('restores the VIP route through routeSwitch and leaves the other VPC alone', async () => {
    // Prepare
    const world = await setUp({ driftMode: 'repair', thresholds: { repairGraceSeconds: 1 } });
    const [node1, node2] = world.topology.nodes;
    const [, table2] = world.topology.routeTables as [string, string];
    await world.aws.ec2.send(
      new ReplaceRouteCommand({
        RouteTableId: table2,
        DestinationCidrBlock: `${VIP}/32`,
        NetworkInterfaceId: node2?.eniId,
      }),
    );
    await world.aws.ec2.send(
      new CreateRouteCommand({
        RouteTableId: world.topology.otherVpcRouteTable,
        DestinationCidrBlock: `${VIP}/32`,
        NetworkInterfaceId: world.topology.otherVpcEni,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the grace window
    const drift = driftFunction(world.env);
    // Act
    const summary = await drift();
    const events = await drain(world, [DRIFT_DETECTED, SWITCH_REQUESTED]);
    // What the deployed routeSwitch rule delivers: the invocations routeSwitch gets.
    const requests = await deliveredSwitchRequests(world, 1);
    const outcomes = [];
    for (const request of requests) outcomes.push(await routeSwitchFunction(world.env)(request));
    // Assess
    expect(summary).toMatchObject({ repairs: 1 });
    expect(requests.map((r) => [r.detail.node, r.detail.reason])).toEqual([['node1', 'repair']]);
    expect(
      events.filter((e) => e['detail-type'] === SWITCH_REQUESTED).map((e) => e.detail),
    ).toEqual(requests.map((r) => r.detail));
    expect(outcomes.map((o) => [o.kind, o.changed])).toEqual([['Switched', [table2]]]);
    const detected = events.find((e) => e['detail-type'] === DRIFT_DETECTED)?.detail as {
      findings: { code: string }[];
    };
    expect(detected.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(['VipRouteWrongTarget', 'OtherVpcVipRoute']),
    );
    expect(await vipTargets(world.aws.ec2, world.topology.routeTables)).toEqual(
      Object.fromEntries(world.topology.routeTables.map((id) => [id, node1?.eniId])),
    );
    expect(await vipTargets(world.aws.ec2, [world.topology.otherVpcRouteTable])).toEqual({
      [world.topology.otherVpcRouteTable]: world.topology.otherVpcEni,
    });
  });

  it('does not repair within the grace window after a switch', async () => {
    // Prepare
    const world = await setUp({ driftMode: 'repair' });
    const [, table2] = world.topology.routeTables as [string, string];
    await world.aws.ec2.send(
      new ReplaceRouteCommand({
        RouteTableId: table2,
        DestinationCidrBlock: `${VIP}/32`,
        NetworkInterfaceId: world.topology.nodes[1]?.eniId,
      }),
    );
    const drift = driftFunction(world.env);
    // Act
    const summary = await drift();
    const events = await drain(world);
    // Assess
    expect(summary).toMatchObject({ repairs: 0, fail: 1 });
    expect(events.map((e) => e['detail-type'])).toEqual([DRIFT_DETECTED]);
    const skipped = (events[0]?.detail.repairsSkipped ?? []) as { reason: string }[];
    expect(skipped[0]?.reason).toMatch(/^GraceWindow/);
  });
});

/** Counts the EC2 calls a client sends, by command (an SDK middleware: every attempt of every call). */
const countCalls = (client: AwsClients['ec2']) => {
  const calls: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls[context.commandName ?? '?'] = (calls[context.commandName ?? '?'] ?? 0) + 1;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'countEc2Calls' },
  );
  return calls;
};

const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

describe('API economy of one drift run (emulator)', () => {
  const driftCalls = async (world: World) => {
    const ec2 = clients().ec2;
    const calls = countCalls(ec2);
    const drift = makeDriftHandler(buildDriftDeps(world.env, { ec2 }));
    const summary = await drift();
    return { calls, summary };
  };

  it('reads 50 VIPs × 10 route tables with as many EC2 calls as 1 VIP × 2 tables', async () => {
    // Prepare
    const large = await setUp({}, { vips: 50, routeTables: 10 });
    const { calls, summary } = await driftCalls(large);
    const small = await setUp();
    // Act
    const { calls: smallCalls } = await driftCalls(small);
    // Assess: 8 describes + 2 searches per TGW route table; no call per VIP or per table.
    expect(summary.fail).toBe(0);
    expect(calls).toEqual({
      DescribeVpcsCommand: 1,
      DescribeInstancesCommand: 1,
      DescribeNetworkInterfacesCommand: 1,
      DescribeRouteTablesCommand: 2,
      DescribeTransitGatewaysCommand: 1,
      DescribeTransitGatewayVpcAttachmentsCommand: 1,
      DescribeSubnetsCommand: 1,
      SearchTransitGatewayRoutesCommand: 2,
    });
    expect(total(calls)).toBeLessThanOrEqual(10);
    expect(smallCalls).toEqual(calls);
  });
});

describe('npx routekeeper doctor as a process (emulator)', () => {
  const ROOT = resolve(__dirname, '../..');
  const run = (world: World, ...args: string[]) =>
    spawnSync(
      'npx',
      [
        'routekeeper',
        'doctor',
        '--config',
        world.configPath,
        '--state-table',
        world.tables.state,
        '--liveness-table',
        world.tables.liveness,
        ...args,
      ],
      { cwd: ROOT, env: world.env, encoding: 'utf8', timeout: 120_000 },
    );

  it('exits 3 (nothing failed, some unknown) on the guide topology with the documented --json shape, progress on stderr', async () => {
    // Prepare
    const world = await setUp();
    // Act
    const result = run(world, '--json');
    // Assess: moto cannot show the TGW route's attachment, so that check stays unknown.
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('doctor: reading route tables of the cluster VPCs');
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      version: 1,
      exitCode: 3,
      checkedAt: expect.any(String),
      summary: { pass: expect.any(Number), fail: 0, unknown: expect.any(Number) },
      clusters: [{ cluster: CLUSTER, summary: expect.any(Object), results: expect.any(Array) }],
    });
    expect(report.clusters[0].results[0]).toEqual({
      check: 'onprem.cidrs',
      code: 'Ok',
      outcome: 'pass',
      severity: 'warning',
      stage: 'on-premises',
      cluster: CLUSTER,
      evidence: `on-premises networks: ${ON_PREM_CIDR}`,
      title: 'On-premises CIDRs are configured',
    });
  });

  it('exits 1 and prints ✗ with evidence and fix when a check fails', async () => {
    // Prepare
    const world = await setUp();
    await world.aws.ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: world.topology.nodes[1]?.eniId,
        SourceDestCheck: { Value: true },
      }),
    );
    // Act
    const result = run(world, '--no-probes');
    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /On-premises\n[\s\S]*Direct Connect\n[\s\S]*Transit Gateway\n[\s\S]*VPC\n[\s\S]*Nodes\n/,
    );
    expect(result.stdout).toContain('✗ Source/destination check is disabled on every node ENI');
    expect(result.stdout).toContain('FAIL nodes.source-dest-check SourceDestCheckEnabled');
    expect(result.stdout).toContain(
      `fix: aws ec2 modify-network-interface-attribute --network-interface-id ${world.topology.nodes[1]?.eniId} --no-source-dest-check`,
    );
    expect(result.stdout).toContain('? Transit Gateway route table');
    expect(result.stdout).toMatch(/Summary: \d+ passed, 1 failed, 1 unknown/);
  });

  it('exits 2 on a configuration error and names the field', () => {
    // Prepare
    const path = writeConfig({ clusters: [{ name: 'x' }] });
    // Act
    const result = spawnSync('npx', ['routekeeper', 'doctor', '--config', path], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('clusters[0].region');
  });
});
