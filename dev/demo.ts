/**
 * `npm run demo`: routekeeper doing its whole job on this machine, against an AWS emulator it starts
 * itself (moto_server on 127.0.0.1). Nothing is mocked: the Lambda handlers run in-process against the
 * emulator through the real SDK, node events are signed and sent by the real lk-notify (the single-file
 * bundle, as a process), and events travel between functions through the emulator's EventBridge bus
 * (a rule with an SQS target per function). Exits 0 only if every step did what it should.
 */

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteRouteCommand, ReplaceRouteCommand } from '@aws-sdk/client-ec2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { main as routekeeperCli } from '../cli/routekeeper/main';
import { buildDeps as buildDriftDeps } from '../functions/drift/deps';
import { makeHandler as makeDriftHandler } from '../functions/drift/handler';
import { buildDeps as buildHeartbeatDeps } from '../functions/heartbeat/deps';
import { makeHandler as makeHeartbeatHandler } from '../functions/heartbeat/handler';
import { buildDeps as buildSwitchDeps } from '../functions/route-switch/deps';
import { makeHandler as makeSwitchHandler } from '../functions/route-switch/handler';
import { instrument } from '../shared/telemetry';
import { CLUSTER, REGION, type Topology, topologyConfig, VIP } from './guide';
import { buildBundle, runBundle } from './lk-notify';
import { type Moto, MotoMissingError, withEmulator } from './moto';
import { createTables, type Tables } from './tables';
import {
  type AwsClients,
  buildTopology,
  type CapturedEvent,
  createBusTap,
  drain,
  emulatorClients,
  vipTargets,
} from './topology';

const BUS = 'routekeeper-demo';

// --- presentation -----------------------------------------------------------------------------------

interface Step {
  readonly name: string;
  readonly ms: number;
  readonly ok: boolean;
}
const timeline: Step[] = [];

const step = async <T>(
  name: string,
  run: () => Promise<T>,
  check: (value: T) => string | undefined,
): Promise<T> => {
  process.stdout.write(`\n▶ ${name}\n`);
  const started = performance.now();
  const value = await run();
  const ms = performance.now() - started;
  const problem = check(value);
  timeline.push({ name, ms, ok: problem === undefined });
  process.stdout.write(
    problem === undefined ? `  ✓ done in ${ms.toFixed(0)} ms\n` : `  ✗ ${problem}\n`,
  );
  return value;
};

const say = (line: string) => process.stdout.write(`  ${line}\n`);

const printTables = async (world: World, title: string) => {
  const tables = [...world.topology.routeTables, world.topology.otherVpcRouteTable];
  const targets = await vipTargets(world.aws.ec2, tables);
  const name = (eni: string) =>
    world.topology.nodes.find((n) => n.eniId === eni)?.name ??
    (eni === world.topology.otherVpcEni ? 'VPC B host' : eni);
  say(`${title}:`);
  for (const table of tables) {
    const vpc = table === world.topology.otherVpcRouteTable ? 'VPC B, not managed' : 'VPC A';
    say(`  ${table}  ${VIP}/32 → ${targets[table]}  (${name(targets[table] ?? '')}, ${vpc})`);
  }
  return targets;
};

// --- the world ----------------------------------------------------------------------------------------

interface NodeKey {
  readonly kid: string;
  readonly privateKey: string;
  readonly publicKey: string;
}

interface World {
  readonly moto: Moto;
  readonly aws: AwsClients;
  readonly topology: Topology;
  readonly tables: Tables;
  readonly configPath: string;
  readonly env: NodeJS.ProcessEnv;
  readonly keys: Record<string, NodeKey>;
  readonly bundle: string;
  readonly queues: { readonly nodes: string; readonly switches: string; readonly results: string };
}

/** A fresh Ed25519 key per node: the node keeps the private seed, routekeeper trusts the public key. */
const generateNodeKey = (node: string): NodeKey => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'jwk' }).d as string;
  const raw = publicKey.export({ format: 'jwk' }).x as string;
  return { kid: `${node}.demo`, privateKey: seed, publicKey: raw };
};

const setUp = async (moto: Moto): Promise<World> => {
  const aws = emulatorClients(moto.url);
  const topology = await buildTopology(aws.ec2);
  const tables = await createTables(aws.dynamodb, 'demo');
  const nodesTap = await createBusTap(
    aws,
    BUS,
    ['LifeKeeper Failover', 'LifeKeeper Heartbeat'],
    'heartbeat-fn',
  );
  const switchTap = await createBusTap(aws, BUS, ['Route Switch Requested'], 'routeswitch-fn');
  const resultsTap = await createBusTap(
    aws,
    BUS,
    ['Route Switch Completed', 'Route Switch Failed', 'Route Drift Detected'],
    'results',
  );
  const keys = Object.fromEntries(topology.nodes.map((n) => [n.name, generateNodeKey(n.name)]));
  const config = topologyConfig(
    topology,
    {},
    {
      driftMode: 'repair',
      thresholds: { repairGraceSeconds: 1 },
      signing: {
        publicKeys: Object.entries(keys).map(([node, key]) => ({
          kid: key.kid,
          node,
          publicKey: key.publicKey,
        })),
      },
    },
  );
  const dir = mkdtempSync(join(tmpdir(), 'routekeeper-demo-'));
  const configPath = join(dir, 'routekeeper.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ENDPOINT_URL: moto.url,
    AWS_REGION: REGION,
    ROUTEKEEPER_CONFIG: configPath,
    STATE_TABLE: tables.state,
    IDEMPOTENCY_TABLE: tables.idempotency,
    DEDUPE_TABLE: tables.dedupe,
    LIVENESS_TABLE: tables.liveness,
    EVENT_BUS_NAME: BUS,
    VERIFY_BUDGET_MS: '3000',
  };
  return {
    moto,
    aws,
    topology,
    tables,
    configPath,
    env,
    keys,
    bundle: await buildBundle(),
    queues: {
      nodes: nodesTap.queueUrl,
      switches: switchTap.queueUrl,
      results: resultsTap.queueUrl,
    },
  };
};

const context = (name: string): Context =>
  ({
    functionName: `routekeeper-demo-${name}`,
    awsRequestId: `demo-${Date.now()}`,
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

/** lk-notify, the single-file bundle under plain node, as the node would run it (identity from flags here). */
const lkNotify = async (world: World, node: string, args: readonly string[]) => {
  const key = world.keys[node] as NodeKey;
  const result = await runBundle(
    world.bundle,
    [...args, '--cluster', CLUSTER, '--node', node, '--bus', BUS, '--region', REGION, '--no-imds'],
    {
      AWS_ENDPOINT_URL: world.moto.url,
      AWS_REGION: REGION,
      LK_NOTIFY_KEY: JSON.stringify({
        keys: [{ kid: key.kid, alg: 'v1a', privateKey: key.privateKey }],
      }),
    },
  );
  if (result.code !== 0)
    throw new Error(`lk-notify ${args[0]} exited ${result.code}: ${result.stderr}`);
  return result;
};

// --- the story ----------------------------------------------------------------------------------------

const story = async (world: World): Promise<void> => {
  const heartbeatFn = instrument(makeHeartbeatHandler(buildHeartbeatDeps(world.env)));
  const switchFn = instrument(makeSwitchHandler(buildSwitchDeps(world.env)));
  const driftFn = makeDriftHandler(buildDriftDeps(world.env));
  const sqs = world.aws.sqs;
  const [node1, node2] = world.topology.nodes as [
    Topology['nodes'][number],
    Topology['nodes'][number],
  ];
  const managed = world.topology.routeTables;
  const pump = async <T>(
    queue: string,
    handle: (event: CapturedEvent) => Promise<T>,
    atLeast: number,
  ) => {
    const outcomes: T[] = [];
    for (const event of await drain(sqs, queue, atLeast)) outcomes.push(await handle(event));
    return outcomes;
  };
  const toHeartbeatFn = (atLeast: number) =>
    pump(
      world.queues.nodes,
      (e) => heartbeatFn(e, context('heartbeat')) as Promise<{ kind: string; reason?: string }>,
      atLeast,
    );
  const toSwitchFn = (atLeast: number) =>
    pump(
      world.queues.switches,
      (e) => switchFn(e, context('routeSwitch')) as Promise<{ kind: string; detail?: string }>,
      atLeast,
    );
  const allOn = async (eni: string) =>
    Object.values(await vipTargets(world.aws.ec2, managed)).every((t) => t === eni);
  const otherVpcUntouched = async () =>
    (await vipTargets(world.aws.ec2, [world.topology.otherVpcRouteTable]))[
      world.topology.otherVpcRouteTable
    ] === world.topology.otherVpcEni;

  await printTables(world, 'route tables before');

  await step(
    '1. both nodes send signed heartbeats (lk-notify); node1 holds the VIP → bootstrap: node1 owns it',
    async () => {
      await lkNotify(world, 'node1', ['heartbeat', '--vip', VIP]);
      await lkNotify(world, 'node2', ['heartbeat']);
      const ingested = await toHeartbeatFn(2);
      const switched = await toSwitchFn(1);
      say(`heartbeat function: ${ingested.map((o) => o.kind).join(', ')}`);
      say(`routeSwitch: ${switched.map((o) => o.kind).join(', ')} (reason bootstrap)`);
      return { ingested, switched, onNode1: await allOn(node1.eniId) };
    },
    (r) =>
      r.ingested.length === 2 && r.switched[0]?.kind === 'AlreadyInPlace' && r.onNode1
        ? undefined
        : `unexpected: ${JSON.stringify(r)}`,
  );

  // node1's own claim from before it failed, signed now but delivered late (step 3).
  const delayed = JSON.parse(
    (await lkNotify(world, 'node1', ['failover', '--vip', VIP, '--dry-run'])).stdout,
  );
  await new Promise((resolve) => setTimeout(resolve, 5));

  await step(
    '2. node1 fails; node2 claims the VIP: lk-notify → bus → heartbeat → Route Switch Requested → routeSwitch',
    async () => {
      await lkNotify(world, 'node2', ['failover', '--vip', VIP]);
      const ingested = await toHeartbeatFn(1);
      const switched = await toSwitchFn(1);
      say(`heartbeat function: ${ingested.map((o) => o.kind).join(', ')}`);
      say(`routeSwitch: ${switched.map((o) => o.kind).join(', ')}`);
      return { switched, onNode2: await allOn(node2.eniId), untouched: await otherVpcUntouched() };
    },
    (r) =>
      r.switched[0]?.kind !== 'Switched'
        ? `routeSwitch ended ${r.switched[0]?.kind}`
        : !r.onNode2
          ? 'a managed table is not on node2'
          : r.untouched
            ? undefined
            : 'VPC B was modified',
  );
  await printTables(world, 'route tables after the failover');

  await step(
    "3. a delayed copy of node1's older claim arrives → rejected as stale, routes unchanged",
    async () => {
      await world.aws.events.send(new PutEventsCommand({ Entries: [delayed] }));
      const ingested = await toHeartbeatFn(1);
      const switched = await toSwitchFn(1);
      say(
        `heartbeat function: ${ingested.map((o) => o.kind).join(', ')} (signature valid, inside the window)`,
      );
      say(`routeSwitch: ${switched.map((o) => `${o.kind} (${o.detail ?? ''})`).join(', ')}`);
      return { switched, onNode2: await allOn(node2.eniId) };
    },
    (r) =>
      r.switched[0]?.kind === 'RejectedStale' && r.onNode2
        ? undefined
        : `unexpected: ${JSON.stringify(r)}`,
  );

  await step(
    '4. a tampered claim arrives (a node1 claim whose signed time was altered) → rejected, routes unchanged',
    async () => {
      const forged = await lkNotify(world, 'node1', ['failover', '--vip', VIP, '--dry-run']);
      const entry = JSON.parse(forged.stdout);
      const detail = JSON.parse(entry.Detail);
      // The forger moves the claim by a millisecond (to win the fence), keeping the JSON valid.
      const claim = JSON.parse(Buffer.from(detail.body, 'base64url').toString('utf8'));
      claim.claimedAt += claim.claimedAt % 1000 === 999 ? -1 : 1;
      detail.body = Buffer.from(JSON.stringify(claim)).toString('base64url');
      await world.aws.events.send(
        new PutEventsCommand({ Entries: [{ ...entry, Detail: JSON.stringify(detail) }] }),
      );
      const ingested = await toHeartbeatFn(1);
      const switched = await drain(sqs, world.queues.switches);
      say(`heartbeat function: ${ingested.map((o) => `${o.kind} ${o.reason ?? ''}`).join(', ')}`);
      say(`route switch requests published: ${switched.length}`);
      return { ingested, switched, onNode2: await allOn(node2.eniId) };
    },
    (r) =>
      r.ingested[0]?.reason === 'BadSignature' && r.switched.length === 0 && r.onNode2
        ? undefined
        : `unexpected: ${JSON.stringify(r.ingested)}`,
  );

  await step(
    '5. someone points a route back to node1 by hand → drift finds it → repair restores node2',
    async () => {
      const [table] = managed as [string];
      await world.aws.ec2.send(
        new ReplaceRouteCommand({
          RouteTableId: table,
          DestinationCidrBlock: `${VIP}/32`,
          NetworkInterfaceId: node1.eniId,
        }),
      );
      say(`${table} now → ${node1.eniId} (node1)`);
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // the repair grace window (1 s here)
      const summary = await driftFn();
      const repaired = await toSwitchFn(1);
      say(
        `drift: ${summary.fail} failed, ${summary.unknown} unknown, ${summary.repairs} repair requested`,
      );
      say(`routeSwitch: ${repaired.map((o) => o.kind).join(', ')} (reason repair)`);
      return {
        summary,
        repaired,
        onNode2: await allOn(node2.eniId),
        untouched: await otherVpcUntouched(),
      };
    },
    (r) =>
      r.summary.repairs === 1 && r.repaired[0]?.kind === 'Switched' && r.onNode2 && r.untouched
        ? undefined
        : `unexpected: ${JSON.stringify({ repairs: r.summary.repairs, repaired: r.repaired })}`,
  );

  await step(
    "6. the operator follows doctor's fix for the VPC B conflict (routekeeper never touches VPC B); closing doctor is green",
    async () => {
      await world.aws.ec2.send(
        new DeleteRouteCommand({
          RouteTableId: world.topology.otherVpcRouteTable,
          DestinationCidrBlock: `${VIP}/32`,
        }),
      );
      say(
        `operator: removed ${VIP}/32 from ${world.topology.otherVpcRouteTable} (VPC B), as the guide advises`,
      );
      await lkNotify(world, 'node2', ['heartbeat', '--vip', VIP]);
      await lkNotify(world, 'node1', ['heartbeat']);
      await toHeartbeatFn(2);
      return doctor(world);
    },
    (r) =>
      r.failed === 0 && r.unknown.every((u) => u.includes('TgwRouteTargetUnobservable'))
        ? undefined
        : `doctor: ${r.failed} failed, unknown: ${r.unknown.join('; ')}`,
  );
  await printTables(world, 'route tables at the end');
};

/** `routekeeper doctor` in-process (its main()), read-only, against the emulator; returns what it printed. */
const runDoctor = async (world: World, ...extra: string[]): Promise<string> => {
  let out = '';
  await routekeeperCli(
    [
      'doctor',
      ...extra,
      '--config',
      world.configPath,
      '--state-table',
      world.tables.state,
      '--liveness-table',
      world.tables.liveness,
      '--no-probes',
      '--quiet',
    ],
    { out: (text) => (out += text), err: () => undefined, env: world.env },
  );
  return out;
};

const doctor = async (world: World, full = true) => {
  const lines = (await runDoctor(world)).trimEnd().split('\n');
  const brief = lines.filter(
    (line, i) => line.includes('✗') || lines[i - 1]?.includes('✗') || line.startsWith('Summary'),
  );
  for (const line of full ? lines : brief) say(line);
  const report = JSON.parse(await runDoctor(world, '--json')) as {
    clusters: { results: { check: string; code: string; outcome: string }[] }[];
  };
  const results = report.clusters.flatMap((c) => c.results);
  return {
    failed: results.filter((r) => r.outcome === 'fail').length,
    unknown: results.filter((r) => r.outcome === 'unknown').map((r) => `${r.check} ${r.code}`),
  };
};

const run = async () => {
  console.log('routekeeper demo: a LifeKeeper VIP failover, end to end, on an AWS emulator\n');
  try {
    await withEmulator(REGION, async (moto) => {
      say(`emulator: moto_server on ${moto.url}`);
      const world = await step(
        "0. build the guide's topology (TGW + attachment + static VIP route, VPC A with node1/node2 in two AZs, VPC B with the same VIP), keys, bus",
        () => setUp(moto),
        () => undefined,
      );
      say(
        `node keys: Ed25519, generated now (${Object.values(world.keys)
          .map((k) => k.kid)
          .join(', ')}); routekeeper holds only the public keys`,
      );
      await step(
        '   doctor before the story: no heartbeat and no owner yet (unknown), and VPC B holds the same VIP (a conflict, reported)',
        () => doctor(world, false),
        () => undefined,
      );
      await story(world);
    });
  } catch (error) {
    if (error instanceof MotoMissingError) console.error(`\n${error.message}`);
    else console.error('\ndemo FAILED:', error);
    timeline.push({ name: 'unexpected error', ms: 0, ok: false });
  }
  console.log('\ntimeline');
  for (const s of timeline)
    console.log(`  ${s.ok ? '✓' : '✗'} ${s.ms.toFixed(0).padStart(6)} ms  ${s.name}`);
  const ok = timeline.length > 0 && timeline.every((s) => s.ok);
  console.log(ok ? '\ndemo passed: every step did what it should' : '\ndemo FAILED');
  process.exitCode = ok ? 0 : 1;
};

void run();
