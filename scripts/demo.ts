/**
 * `npm run demo`: routekeeper doing its job on this machine. Starts moto_server on loopback, builds the
 * guide's topology through the real SDK, runs the routeSwitch handler in-process against it, and prints
 * the route tables before and after. Exits 0 only if every step did what it should.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { type Moto, MotoMissingError, startMoto } from '../dev/moto';
import {
  buildTopology,
  CLUSTER,
  createBusTap,
  createTables,
  emulatorClients,
  type Topology,
  topologyConfig,
  VIP,
  vipTargets,
} from '../dev/topology';
import { buildDeps } from '../functions/route-switch/deps';
import { instrument, makeHandler } from '../functions/route-switch/handler';
import type { SwitchOutcome } from '../shared/domain/outcomes';
import { COMPLETED, FAILED } from '../shared/events/route-switch-result';

const BUS = 'routekeeper-demo';

interface StepResult {
  readonly name: string;
  readonly ms: number;
  readonly ok: boolean;
}

const timeline: StepResult[] = [];

const step = async <T>(
  name: string,
  run: () => Promise<T>,
  check: (value: T) => string | undefined,
) => {
  process.stdout.write(`▶ ${name} … `);
  const started = performance.now();
  const value = await run();
  const ms = performance.now() - started;
  const problem = check(value);
  timeline.push({ name, ms, ok: problem === undefined });
  process.stdout.write(problem === undefined ? `✓ (${ms.toFixed(0)} ms)\n` : `✗ ${problem}\n`);
  return value;
};

const printTables = (title: string, topology: Topology, targets: Record<string, string>) => {
  const nameOf = (target: string) =>
    topology.nodes.find((n) => n.eniId === target)?.name ??
    (target === topology.otherVpcEni ? 'VPC B host' : target);
  console.log(`\n  ${title}`);
  for (const [table, target] of Object.entries(targets)) {
    const vpc = table === topology.otherVpcRouteTable ? 'VPC B (not managed)' : 'VPC A';
    console.log(`    ${table}  ${VIP}/32 → ${target}  (${nameOf(target)}, ${vpc})`);
  }
  console.log('');
};

const lambdaContext = (): Context =>
  ({
    functionName: 'routekeeper-demo-routeSwitch',
    awsRequestId: `demo-${Date.now()}`,
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

const run = async (moto: Moto): Promise<boolean> => {
  const aws = emulatorClients(moto.url);
  process.env.AWS_ENDPOINT_URL = moto.url;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'demo';
  process.env.AWS_SECRET_ACCESS_KEY = 'demo';

  const topology = await step(
    "build the guide's topology (VPC A: node1 + node2 in two AZs, TGW, VPC B with the same VIP)",
    () => buildTopology(aws.ec2),
    () => undefined,
  );
  const tables = await createTables(aws.dynamodb, 'demo');
  await createBusTap(aws, BUS, [COMPLETED, FAILED]);
  const dir = mkdtempSync(join(tmpdir(), 'routekeeper-demo-'));
  const configPath = join(dir, 'routekeeper.json');
  writeFileSync(configPath, JSON.stringify(topologyConfig(topology), null, 2));

  const allTables = [...topology.routeTables, topology.otherVpcRouteTable];
  const [node1, node2] = topology.nodes;
  const before = await vipTargets(aws.ec2, allTables);
  printTables('route tables before', topology, before);

  const handler = instrument(
    makeHandler(
      buildDeps({
        ...process.env,
        ROUTEKEEPER_CONFIG: configPath,
        STATE_TABLE: tables.state,
        IDEMPOTENCY_TABLE: tables.idempotency,
        EVENT_BUS_NAME: BUS,
      }),
    ),
  );
  const orderToken = Date.now();
  const outcome = await step(
    'node2 claims the VIP: Route Switch Requested → routeSwitch',
    () =>
      handler(
        {
          version: '0',
          id: 'demo-1',
          'detail-type': 'Route Switch Requested',
          source: 'routekeeper',
          account: '123456789012',
          time: new Date().toISOString(),
          region: 'us-east-1',
          resources: [],
          detail: {
            version: '1',
            cluster: CLUSTER,
            vip: VIP,
            node: 'node2',
            orderToken,
            idempotencyKey: `failover#${CLUSTER}#${VIP}#node2#${orderToken}`,
            reason: 'failover',
            requestedAt: new Date().toISOString(),
          },
        },
        lambdaContext(),
      ) as Promise<SwitchOutcome>,
    (o) => (o.kind === 'Switched' ? undefined : `outcome ${o.kind}: ${o.detail ?? ''}`),
  );
  const after = await step(
    'every managed table of VPC A now targets node2; VPC B untouched',
    () => vipTargets(aws.ec2, allTables),
    (targets) => {
      const wrong = topology.routeTables.filter((t) => targets[t] !== node2?.eniId);
      if (wrong.length > 0) return `${wrong.join(', ')} not on node2`;
      if (targets[topology.otherVpcRouteTable] !== topology.otherVpcEni)
        return 'VPC B was modified';
      return undefined;
    },
  );
  printTables('route tables after', topology, after);
  console.log(
    `  outcome: ${outcome.kind}, tables changed: ${outcome.changed.length}, from ${node1?.name} to node2`,
  );
  return timeline.every((s) => s.ok);
};

const main = async () => {
  console.log(
    'routekeeper demo: a LifeKeeper VIP failover on an AWS emulator (moto_server on 127.0.0.1)\n',
  );
  let moto: Moto | undefined;
  try {
    moto = await startMoto();
    console.log(`  emulator: ${moto.url}\n`);
    const ok = await run(moto);
    console.log('\n  timeline');
    for (const s of timeline)
      console.log(`    ${s.ok ? '✓' : '✗'} ${s.ms.toFixed(0).padStart(6)} ms  ${s.name}`);
    console.log(ok ? '\ndemo passed' : '\ndemo FAILED');
    process.exitCode = ok ? 0 : 1;
  } catch (error) {
    if (error instanceof MotoMissingError) console.error(`\n${error.message}`);
    else console.error('\ndemo FAILED:', error);
    process.exitCode = 1;
  } finally {
    await moto?.stop();
  }
};

void main();
