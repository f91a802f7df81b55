/**
 * The operator subcommands of `routekeeper` (init, status, switch, pause, resume) as real processes
 * (`npx routekeeper …`) against the guide's topology on a real moto_server. What moto cannot show is
 * named where it matters: it never reports a TGW route's attachment (status and doctor say unknown), it
 * has no Direct Connect (init reports the DX gateway as not discoverable), and it AND-s several values of
 * one DescribeRouteTables filter (status filters by VPC only; test/unit/shared/aws/status-reads.test.ts
 * covers the batched reads against AWS's semantics).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeRouteTablesCommand,
  ReplaceRouteCommand,
  SearchTransitGatewayRoutesCommand,
} from '@aws-sdk/client-ec2';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/routekeeper/main';
import type { LoggedEvent } from '../../dev/event-log';
import { CLUSTER, topologyConfig, VIP } from '../../dev/guide';
import { recordHeartbeats, vipTargets } from '../../dev/topology';
import { DETAIL_TYPE as DRIFT_DETECTED } from '../../shared/events/route-drift-detected';
import { DETAIL_TYPE as SWITCH_REQUESTED } from '../../shared/events/route-switch-requested';
import { COMPLETED } from '../../shared/events/route-switch-result';
import { OPERATOR_SOURCE } from '../../shared/events/routekeeper-source';
import { writeConfig } from '../support/emulator';
import { switchRequestEvent } from '../support/events';
import {
  deliveredSwitchRequests,
  deployWorld,
  driftFunction,
  routeSwitchFunction,
  type StackWorld,
  worldEnv,
} from '../support/stack-world';

const ROOT = resolve(__dirname, '../..');
/** These tests run `npx routekeeper` as processes, several per test: seconds each on a loaded machine. */
const PROCESSES = { timeout: 300_000 };
/** moto's caller identity (STS GetCallerIdentity) for any credentials. */
const MOTO_CALLER = /^arn:aws:(sts|iam)::123456789012:/;

interface World extends StackWorld {
  configPath: string;
  env: NodeJS.ProcessEnv;
}

/** The guide's topology, correct (no other VPC routes the VIP), node1 owns the VIP (bootstrap claim). */
const setUp = async (cluster: Parameters<typeof topologyConfig>[2] = {}): Promise<World> => {
  const deployed = await deployWorld({ otherVpcRoute: false });
  const { aws, topology, tables } = deployed;
  const configPath = writeConfig(topologyConfig(topology, {}, cluster));
  const env = worldEnv(deployed, { ROUTEKEEPER_CONFIG: configPath, VERIFY_BUDGET_MS: '2000' });
  const world = { ...deployed, configPath, env };
  const bootstrap = await lifekeeperClaim(world, 'node1', 1_000);
  expect(bootstrap.kind).toBe('AlreadyInPlace');
  await recordHeartbeats(aws.dynamodb, tables.liveness, CLUSTER, [
    { node: 'node1', clockSkewMs: 35 },
    { node: 'node2', clockSkewMs: -20 },
  ]);
  // The bootstrap's result event, delivered asynchronously by moto: out of the way of the tests.
  await world.log.next({ until: (e) => e['detail-type'] === COMPLETED });
  return world;
};

/** A LifeKeeper claim as routeSwitch receives it from the heartbeat function. */
const lifekeeperClaim = (world: Pick<World, 'env'>, node: string, orderToken: number) =>
  routeSwitchFunction(world.env)(
    switchRequestEvent({
      cluster: CLUSTER,
      node,
      orderToken,
      reason: orderToken === 1_000 ? 'bootstrap' : 'failover',
    }),
  );

const routekeeper = (world: Pick<World, 'env'>, ...args: string[]) =>
  spawnSync('npx', ['routekeeper', ...args], {
    cwd: ROOT,
    env: world.env,
    encoding: 'utf8',
    input: '',
    timeout: 120_000,
  });

/** `routekeeper switch` of the VIP to node2, as an operator runs it, with the test's further flags. */
const switchToNode2 = (world: Pick<World, 'env'>, ...args: string[]) =>
  routekeeper(world, 'switch', '--cluster', CLUSTER, '--vip', VIP, '--to', 'node2', ...args);

const fenceRecord = async (world: World) => {
  const output = await world.aws.dynamodb.send(
    new GetItemCommand({
      TableName: world.tables.state,
      Key: { pk: { S: `${CLUSTER}#${VIP}` } },
      ConsistentRead: true,
    }),
  );
  return output.Item ? unmarshall(output.Item) : undefined;
};

/** Everything a switch could write: every route table, the TGW's static routes and the fence record. */
const accountState = async (world: World) => ({
  routeTables: (await world.aws.ec2.send(new DescribeRouteTablesCommand({}))).RouteTables,
  tgw: (
    await world.aws.ec2.send(
      new SearchTransitGatewayRoutesCommand({
        TransitGatewayRouteTableId: world.topology.tgwRouteTableId,
        Filters: [{ Name: 'type', Values: ['static'] }],
      }),
    )
  ).Routes,
  record: await fenceRecord(world),
});

/**
 * The stack's event log until an event matches (moto delivers rule targets asynchronously, and under
 * load an earlier test step's event may still arrive first); at most 15 s.
 */
const eventsUntil = (world: World, found: (e: LoggedEvent) => boolean) =>
  world.log.next({ until: found });

const onNode = (world: World, index: number) =>
  Object.fromEntries(
    world.topology.routeTables.map((id) => [id, world.topology.nodes[index]?.eniId]),
  );

describe('routekeeper subcommands: --help', () => {
  it.each(['init', 'status', 'switch', 'pause', 'resume'])(
    'routekeeper %s --help prints its usage and exit codes',
    async (command) => {
      // Act
      let out = '';
      const code = await main([command, '--help'], {
        out: (t) => (out += t),
        err: () => undefined,
        env: process.env,
      });
      // Assess
      expect(code).toBe(0);
      expect(out).toContain(`Usage: routekeeper ${command}`);
      expect(out).toContain('Exit codes: 0');
    },
  );
});

describe('routekeeper init on the guide topology (emulator, process)', PROCESSES, () => {
  it('writes a configuration that doctor then passes, except what moto cannot show', async () => {
    // Prepare
    const world = await setUp();
    const [node1, node2] = world.topology.nodes;
    const output = join(mkdtempSync(join(tmpdir(), 'routekeeper-init-')), 'routekeeper.lk.json');
    // Act
    const result = routekeeper(
      world,
      'init',
      '--region',
      'us-east-1',
      '--vpc',
      world.topology.vpcA,
      '--node',
      `node1=${node1?.instanceId}`,
      '--node',
      `node2=${node2?.instanceId}`,
      '--vip',
      VIP,
      '--cluster',
      CLUSTER,
      '--output',
      output,
      '--json',
    );
    // Assess: written; only the DX gateway (moto has no Direct Connect) and the TGW route's target
    // (moto does not report it) could not be discovered.
    expect(result.status, result.stderr).toBe(3);
    const report = JSON.parse(result.stdout);
    expect(report.written).toBe(true);
    const missing = report.findings.filter((f: { found?: string }) => f.found === undefined);
    expect(missing.map((f: { what: string }) => f.what)).toEqual([
      'node instance roles (nodes[].roleArn)',
      `target of the TGW route ${VIP}/32`,
      'Direct Connect gateway',
    ]);
    expect(
      missing.find((f: { what: string }) => f.what === 'Direct Connect gateway').fix,
    ).toContain('--dx-gateway');
    const written = JSON.parse(readFileSync(output, 'utf8'));
    expect(written.clusters[0]).toMatchObject({
      name: CLUSTER,
      vpcId: world.topology.vpcA,
      vpcCidrs: ['10.0.0.0/16'],
      transitGatewayId: world.topology.transitGatewayId,
      onPremisesCidrs: ['192.168.0.0/16'],
      nodes: world.topology.nodes.map(({ name, instanceId, eniId }) => ({
        name,
        instanceId,
        eniId,
      })),
      vips: [
        {
          address: VIP,
          routeTables: [...world.topology.routeTables].sort(),
          transitGatewayRoute: {
            routeTableId: world.topology.tgwRouteTableId,
            attachmentId: world.topology.attachmentId,
          },
        },
      ],
    });
    let doctorOut = '';
    const doctorCode = await main(
      [
        'doctor',
        '--config',
        output,
        '--state-table',
        world.tables.state,
        '--liveness-table',
        world.tables.liveness,
        '--no-probes',
        '--json',
      ],
      { out: (t) => (doctorOut += t), err: () => undefined, env: world.env },
    );
    const doctor = JSON.parse(doctorOut);
    const findings = doctor.clusters[0].results
      .filter((r: { outcome: string }) => r.outcome !== 'pass')
      .map((r: { check: string; code: string }) => `${r.check} ${r.code}`);
    expect(findings).toEqual(['tgw.vip-route TgwRouteTargetUnobservable']);
    expect(doctorCode).toBe(3);
  });

  it('never overwrites a file without --force, and exits 2', async () => {
    // Prepare
    const world = await setUp();
    const output = join(mkdtempSync(join(tmpdir(), 'routekeeper-init-')), 'routekeeper.dev.json');
    writeFileSync(output, 'hand-written\n');
    const args = [
      'init',
      '--region',
      'us-east-1',
      '--vpc',
      world.topology.vpcA,
      '--node',
      `${world.topology.nodes[0]?.instanceId}`,
      '--node',
      `${world.topology.nodes[1]?.instanceId}`,
      '--vip',
      VIP,
      '--output',
      output,
    ];
    // Act
    const refused = routekeeper(world, ...args);
    const contentAfterRefusal = readFileSync(output, 'utf8');
    const forced = routekeeper(world, ...args, '--force');
    // Assess
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(contentAfterRefusal).toBe('hand-written\n');
    expect(forced.status, forced.stderr).toBe(3);
    expect(
      JSON.parse(readFileSync(output, 'utf8')).clusters[0].nodes.map(
        (n: { name: string }) => n.name,
      ),
    ).toEqual(['node1', 'node2']);
  });

  it('writes nothing and exits 1 when no route table carries the VIP, naming the guide fix', async () => {
    // Prepare
    const world = await setUp();
    const output = join(mkdtempSync(join(tmpdir(), 'routekeeper-init-')), 'routekeeper.dev.json');
    // Act
    const result = routekeeper(
      world,
      'init',
      '--region',
      'us-east-1',
      '--vpc',
      world.topology.vpcA,
      '--node',
      `${world.topology.nodes[0]?.instanceId}`,
      '--node',
      `${world.topology.nodes[1]?.instanceId}`,
      '--vip',
      '10.1.0.99',
      '--output',
      output,
    );
    // Assess
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain('route tables carrying 10.1.0.99/32: no route table of');
    expect(result.stdout).toContain('guide step 5');
    expect(existsSync(output)).toBe(false);
  });
});

describe('routekeeper status (emulator, process)', PROCESSES, () => {
  it('shows the owner, every table target, heartbeats and pause state; exits 3 as moto hides the TGW target', async () => {
    // Prepare
    const world = await setUp();
    // Act
    const result = routekeeper(world, 'status', '--json');
    // Assess
    expect(result.status, result.stderr).toBe(3);
    const report = JSON.parse(result.stdout);
    const [cluster] = report.clusters;
    expect(cluster).toMatchObject({ cluster: CLUSTER, driftMode: 'report' });
    expect(cluster.paused).toBeUndefined();
    expect(
      cluster.nodes.map((n: { node: string; clockSkewMs: number }) => [n.node, n.clockSkewMs]),
    ).toEqual([
      ['node1', 35],
      ['node2', -20],
    ]);
    expect(cluster.vips[0].owner).toMatchObject({
      node: 'node1',
      eni: world.topology.nodes[0]?.eniId,
      phase: 'APPLIED',
    });
    expect(cluster.vips[0].tables.map((t: { agreement: string }) => t.agreement)).toEqual([
      'agrees',
      'agrees',
    ]);
    expect(cluster.vips[0].transitGateway).toMatchObject({
      agreement: 'unknown',
      target: 'attachment not reported',
    });
  });

  it('exits 1 and names the table when a route disagrees with the recorded owner', async () => {
    // Prepare
    const world = await setUp();
    const [, table2] = world.topology.routeTables as [string, string];
    await world.aws.ec2.send(
      new ReplaceRouteCommand({
        RouteTableId: table2,
        DestinationCidrBlock: `${VIP}/32`,
        NetworkInterfaceId: world.topology.nodes[1]?.eniId,
      }),
    );
    // Act
    const result = routekeeper(world, 'status');
    // Assess
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain(`✗ route table ${table2} → ${world.topology.nodes[1]?.eniId}`);
    expect(result.stdout).toContain('Summary: something DISAGREES');
  });
});

describe('routekeeper switch (emulator, process)', PROCESSES, () => {
  it('--dry-run prints the plan and writes nothing', async () => {
    // Prepare
    const world = await setUp();
    const before = await accountState(world);
    // Act
    const result = switchToNode2(world, '--reason', 'test', '--dry-run');
    // Assess
    expect(result.status, result.stderr).toBe(0);
    const [node1, node2] = world.topology.nodes;
    for (const table of world.topology.routeTables) {
      expect(result.stdout).toContain(
        `route table ${table}: replace: ${node1?.eniId} (active) → ${node2?.eniId}`,
      );
    }
    expect(result.stdout).toContain(
      `Transit Gateway route table ${world.topology.tgwRouteTableId}: no change`,
    );
    expect(result.stdout).toContain('Dry run: nothing written.');
    expect(await accountState(world)).toEqual(before);
    const events = await world.log.next();
    expect(events.filter((e) => e.source === OPERATOR_SOURCE)).toEqual([]);
  });

  it('--dry-run --json prints the version 1 plan: every TGW route table, and `tgw` as version 1 always had it', async () => {
    // Prepare
    const world = await setUp();
    const before = await accountState(world);
    // Act
    const result = switchToNode2(world, '--reason', 'test', '--dry-run', '--json');
    // Assess
    expect(result.status, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout);
    const tgwStep = {
      routeTableId: world.topology.tgwRouteTableId,
      attachmentId: world.topology.attachmentId,
      action: 'none',
    };
    expect(output).toMatchObject({ version: 1, dryRun: true, initiatedBy: { reason: 'test' } });
    expect(output.plan.tgwTables).toMatchObject([tgwStep]);
    expect(output.plan.tgw).toMatchObject(tgwStep);
    expect(output.plan.tables.map((t: { routeTableId: string }) => t.routeTableId).sort()).toEqual(
      [...world.topology.routeTables].sort(),
    );
    expect(await accountState(world)).toEqual(before);
  });

  it('refuses without a terminal and without --yes, writing nothing', async () => {
    // Prepare
    const world = await setUp();
    const before = await accountState(world);
    // Act
    const result = switchToNode2(world);
    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('pass --yes');
    expect(await accountState(world)).toEqual(before);
  });

  it('moves the VIP, audits it in the record, the log line and the event; a later LifeKeeper claim wins', async () => {
    // Prepare
    const world = await setUp();
    // Act
    const result = switchToNode2(world, '--reason', 'patch node1', '--yes', '--json');
    // Assess: moved, and audited three times
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).outcome).toMatchObject({ kind: 'Switched', owner: 'node2' });
    expect(await vipTargets(world.aws.ec2, world.topology.routeTables)).toEqual(onNode(world, 1));
    const record = await fenceRecord(world);
    expect(record).toMatchObject({ owner: 'node2', reason: 'operator', phase: 'APPLIED' });
    expect(record?.initiatedBy).toMatchObject({
      principal: expect.stringMatching(MOTO_CALLER),
      reason: 'patch node1',
      orderToken: record?.orderToken,
    });
    const logLines = result.stderr.split('\n').filter((l) => l.startsWith('{'));
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0] as string)).toMatchObject({
      message: 'operator route switch Switched',
      from: 'node1',
      node: 'node2',
      initiatedBy: { principal: expect.stringMatching(MOTO_CALLER), reason: 'patch node1' },
    });
    const events = (await eventsUntil(world, (e) => e.source === OPERATOR_SOURCE)).filter(
      (e) => e.source === OPERATOR_SOURCE,
    );
    expect(events.map((e) => e['detail-type'])).toEqual([COMPLETED]);
    expect(events[0]?.detail).toMatchObject({
      reason: 'operator',
      node: 'node2',
      initiatedBy: { reason: 'patch node1' },
    });

    // Act: an older LifeKeeper claim loses, a newer one wins over the operator's switch.
    const stale = await lifekeeperClaim(world, 'node1', 2_000);
    const newer = await lifekeeperClaim(world, 'node1', Date.now());
    // Assess
    expect(stale.kind).toBe('RejectedStale');
    expect(newer.kind).toBe('Switched');
    expect(await vipTargets(world.aws.ec2, world.topology.routeTables)).toEqual(onNode(world, 0));
    const status = JSON.parse(routekeeper(world, 'status', '--json').stdout);
    expect(status.clusters[0].vips[0].owner.node).toBe('node1');
    expect(status.clusters[0].vips[0].owner.initiatedBy).toBeUndefined();
  });
});

describe('routekeeper pause and resume (emulator, process)', PROCESSES, () => {
  it('a paused cluster is reported, not repaired by drift, and shown by status and doctor; resume restores repair', async () => {
    // Prepare: repair mode, a hand edit on table 2, past the grace window
    const world = await setUp({ driftMode: 'repair', thresholds: { repairGraceSeconds: 1 } });
    const [, table2] = world.topology.routeTables as [string, string];
    await world.aws.ec2.send(
      new ReplaceRouteCommand({
        RouteTableId: table2,
        DestinationCidrBlock: `${VIP}/32`,
        NetworkInterfaceId: world.topology.nodes[1]?.eniId,
      }),
    );
    await new Promise((r) => setTimeout(r, 1_100));
    const drift = driftFunction(world.env);
    // Act
    const paused = routekeeper(
      world,
      'pause',
      '--cluster',
      CLUSTER,
      '--reason',
      'network change CHG-42',
    );
    const whilePaused = await drift();
    const pausedEvents = (
      await eventsUntil(world, (e) => e['detail-type'] === DRIFT_DETECTED)
    ).filter((e) => e['detail-type'] === DRIFT_DETECTED || e['detail-type'] === SWITCH_REQUESTED);
    const status = routekeeper(world, 'status', '--json');
    const doctor = routekeeper(world, 'doctor', '--no-probes');
    // Assess: reported with "paused", not repaired, shown with who/when/why
    expect(paused.status, paused.stderr).toBe(0);
    expect(whilePaused).toMatchObject({ repairs: 0, fail: 1 });
    expect(pausedEvents.map((e) => e['detail-type'])).toEqual([DRIFT_DETECTED]);
    const detected = pausedEvents[0]?.detail as {
      findings: { code: string; paused?: boolean; evidence: string }[];
      repairsSkipped: { reason: string }[];
    };
    expect(detected.findings.find((f) => f.code === 'VipRouteWrongTarget')).toMatchObject({
      code: 'VipRouteWrongTarget',
      paused: true,
      evidence: expect.stringMatching(/^paused: /),
    });
    expect(detected.repairsSkipped[0]?.reason).toMatch(
      /^Paused: paused by .* network change CHG-42$/,
    );
    expect((await vipTargets(world.aws.ec2, [table2]))[table2]).toBe(
      world.topology.nodes[1]?.eniId,
    );
    expect(JSON.parse(status.stdout).clusters[0].paused).toMatchObject({
      by: expect.stringMatching(MOTO_CALLER),
      reason: 'network change CHG-42',
    });
    expect(doctor.stdout).toMatch(/PAUSED whole cluster: paused by .* network change CHG-42/);

    // Act: resume, then the next drift run repairs through routeSwitch
    const resumed = routekeeper(world, 'resume', '--cluster', CLUSTER);
    const afterResume = await drift();
    // What the deployed routeSwitch rule delivers: the invocations routeSwitch gets.
    const requests = await deliveredSwitchRequests(world, 1);
    const routeSwitch = routeSwitchFunction(world.env);
    for (const request of requests) await routeSwitch(request);
    // Assess
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(afterResume).toMatchObject({ repairs: 1 });
    expect(requests.map((r) => [r['detail-type'], r.detail.node, r.detail.reason])).toEqual([
      [SWITCH_REQUESTED, 'node1', 'repair'],
    ]);
    expect(await vipTargets(world.aws.ec2, world.topology.routeTables)).toEqual(onNode(world, 0));
    expect(
      JSON.parse(routekeeper(world, 'status', '--json').stdout).clusters[0].paused,
    ).toBeUndefined();
  });

  it('still applies a LifeKeeper claim while paused', async () => {
    // Prepare
    const world = await setUp();
    expect(
      routekeeper(world, 'pause', '--cluster', CLUSTER, '--vip', VIP, '--reason', 'maintenance')
        .status,
    ).toBe(0);
    // Act
    const claim = await lifekeeperClaim(world, 'node2', Date.now());
    // Assess
    expect(claim.kind).toBe('Switched');
    expect(await vipTargets(world.aws.ec2, world.topology.routeTables)).toEqual(onNode(world, 1));
  });
});
