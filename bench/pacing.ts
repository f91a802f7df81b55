import { CreateRouteCommand, CreateRouteTableCommand } from '@aws-sdk/client-ec2';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { startFaultProxy } from '../dev/fault-proxy';
import { topologyConfig, VIP } from '../dev/guide';
import type { Moto } from '../dev/moto';
import { createTables } from '../dev/tables';
import { buildTopology, emulatorClients, vipTargets } from '../dev/topology';
import { buildDeps } from '../functions/route-switch/deps';
import { makeHandler } from '../functions/route-switch/handler';
import type { SwitchOutcome } from '../shared/domain/switch/outcomes';
import { RetryableSwitchError } from '../shared/domain/switch/outcomes';
import { instrument } from '../shared/telemetry';
import { lambdaContext, switchRequest, writeTempJson } from './support';

/**
 * Part (d): one failover that must replace N routes while EC2's mutating-call throttle is in force.
 * The throttle emulates EC2's documented token bucket for mutating actions (50 tokens, refilled at
 * 5 per second, RequestLimitExceeded when empty); its physical limit for N writes is (N - 50) / 5 s.
 * A switch that throws RetryableSwitchError is invoked again at once (Lambda's async retry, minus its
 * one-minute wait), at most 5 times.
 */
export interface PacingRow {
  readonly replacements: number;
  readonly seconds: number;
  readonly physicalLimitSeconds: number;
  readonly throttled: number;
  readonly invocations: number;
  readonly unswitched: number;
}

export const BUCKET = { capacity: 50, refillPerSecond: 5 } as const;

/** EC2's token bucket, lazily refilled. */
export const tokenBucket = (
  capacity: number,
  refillPerSecond: number,
  now = () => performance.now(),
) => {
  let tokens = capacity;
  let last = now();
  return {
    take(): boolean {
      const at = now();
      tokens = Math.min(capacity, tokens + ((at - last) / 1000) * refillPerSecond);
      last = at;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
};

export const measurePacing = async (
  moto: Moto,
  replacements: number,
  log: (line: string) => void,
): Promise<PacingRow> => {
  await moto.reset();
  const aws = emulatorClients(moto.url);
  const topology = await buildTopology(aws.ec2, { routeTables: 2 });
  const node1 = topology.nodes[0]?.eniId as string;
  const extra: string[] = [];
  for (let i = 2; i < replacements; i++) {
    const id = (await aws.ec2.send(new CreateRouteTableCommand({ VpcId: topology.vpcA })))
      .RouteTable?.RouteTableId as string;
    await aws.ec2.send(
      new CreateRouteCommand({
        RouteTableId: id,
        DestinationCidrBlock: `${VIP}/32`,
        NetworkInterfaceId: node1,
      }),
    );
    extra.push(id);
  }
  const tables = [...topology.routeTables, ...extra];
  log(`    ${tables.length} route tables with ${VIP}/32 → node1`);
  const ddb = await createTables(aws.dynamodb, `pacing-${replacements}`);
  await aws.events.send(new CreateEventBusCommand({ Name: 'routekeeper-pacing' }));

  const bucket = tokenBucket(BUCKET.capacity, BUCKET.refillPerSecond);
  const proxy = await startFaultProxy({
    target: moto.url,
    seed: 1,
    rules: [
      {
        service: 'ec2',
        operations: ['ReplaceRoute'],
        when: () => !bucket.take(),
        fault: { kind: 'throttle' },
      },
    ],
  });
  try {
    const handler = instrument(
      makeHandler(
        buildDeps({
          ...process.env,
          AWS_ENDPOINT_URL: proxy.url,
          ROUTEKEEPER_CONFIG: writeTempJson(
            'config',
            topologyConfig(topology, { routeTables: [], discoverRouteTables: true }),
          ),
          STATE_TABLE: ddb.state,
          IDEMPOTENCY_TABLE: ddb.idempotency,
          EVENT_BUS_NAME: 'routekeeper-pacing',
          VERIFY_BUDGET_MS: '30000',
        }),
      ),
    );
    const event = switchRequest('node2', Date.now());
    const started = performance.now();
    let invocations = 0;
    for (;;) {
      invocations++;
      try {
        const outcome = (await handler(event, lambdaContext('pacing', 900_000))) as SwitchOutcome;
        log(`    invocation ${invocations}: ${outcome.kind}`);
        break;
      } catch (error) {
        log(
          `    invocation ${invocations}: ${(error as Error).name}: ${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? '')}`,
        );
        if (!(error instanceof RetryableSwitchError) || invocations >= 5) break;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const throttled = Object.entries(proxy.faults())
      .filter(([key]) => key.startsWith('ec2'))
      .reduce((sum, [, count]) => sum + count, 0);
    const targets = await vipTargets(aws.ec2, tables);
    const node2 = topology.nodes[1]?.eniId;
    return {
      replacements: tables.length,
      seconds,
      physicalLimitSeconds: Math.max(0, (tables.length - BUCKET.capacity) / BUCKET.refillPerSecond),
      throttled,
      invocations,
      unswitched: tables.filter((t) => targets[t] !== node2).length,
    };
  } finally {
    await proxy.close();
  }
};
