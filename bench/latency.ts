import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { DescribeRouteTablesCommand, ReplaceRouteCommand } from '@aws-sdk/client-ec2';
import { CreateEventBusCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startFaultProxy } from '../dev/fault-proxy';
import { CLUSTER, type Topology, topologyConfig, VIP } from '../dev/guide';
import type { Moto } from '../dev/moto';
import { createTables } from '../dev/tables';
import { buildTopology, createBusTap, emulatorClients } from '../dev/topology';
import { buildDeps as buildHeartbeatDeps } from '../functions/heartbeat/deps';
import { makeHandler as makeHeartbeatHandler } from '../functions/heartbeat/handler';
import { buildDeps as buildSwitchDeps } from '../functions/route-switch/deps';
import { makeHandler } from '../functions/route-switch/handler';
import { composeFailover } from '../shared/domain/intake/compose';
import type { SwitchOutcome } from '../shared/domain/switch/outcomes';
import { instrument } from '../shared/telemetry';
import { type Summary, summarize } from './stats';
import { delivered, lambdaContext, writeTempJson } from './support';

export interface LatencyRow {
  readonly tables: number;
  /** Heartbeat handler (verifying the signed claim) + routeSwitch handler (through verification). */
  readonly routekeeper: Summary;
  readonly heartbeatFn: Summary;
  readonly routeSwitchFn: Summary;
  /** The emulator's bus delivery (PutEvents → rule → SQS target → received), measured apart, not in the path. */
  readonly delivery: Summary;
  readonly bareSdk: Summary;
  readonly awsCli?: Summary;
  /** The CLI failovers one by one, for part (e), which adds a profile's round trips to each call. */
  readonly awsCliSamples?: readonly number[];
  readonly failures: number;
}

const BUS = 'routekeeper-bench';

const nodeKey = (node: string) => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    signing: { kid: `${node}.bench`, alg: 'v1a' as const, privateKey },
    trusted: {
      kid: `${node}.bench`,
      node,
      publicKey: publicKey.export({ format: 'jwk' }).x as string,
    },
  };
};

/**
 * A topology with N managed tables and the two functions on the failover path, wired to the emulator;
 * `failover(node)` signs a claim as lk-notify would and times each hop.
 */
export const prepareFailover = async (moto: Moto, tables: number) => {
  await moto.reset();
  const aws = emulatorClients(moto.url);
  const topology = await buildTopology(aws.ec2, { routeTables: tables });
  const ddb = await createTables(aws.dynamodb, `bench-${tables}`);
  // No rule on the bus: moto delivers rule targets inside PutEvents, which would bill the emulator's
  // delivery to the heartbeat function. The request is taken from the PutEvents call instead, and the
  // emulator's delivery is measured on its own (measureDelivery).
  await aws.events.send(new CreateEventBusCommand({ Name: BUS }));
  const proxy = await startFaultProxy({ target: moto.url, seed: 1 });
  const keys = Object.fromEntries(topology.nodes.map((n) => [n.name, nodeKey(n.name)]));
  const config = topologyConfig(
    topology,
    {},
    { signing: { publicKeys: Object.values(keys).map((k) => k.trusted) } },
  );
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: proxy.url,
    ROUTEKEEPER_CONFIG: writeTempJson('config', config),
    STATE_TABLE: ddb.state,
    IDEMPOTENCY_TABLE: ddb.idempotency,
    DEDUPE_TABLE: ddb.dedupe,
    LIVENESS_TABLE: ddb.liveness,
    EVENT_BUS_NAME: BUS,
  };
  const heartbeat = instrument(makeHeartbeatHandler(buildHeartbeatDeps(env)));
  const routeSwitch = instrument(makeHandler(buildSwitchDeps(env)));
  const published = () => {
    const call = [...proxy.calls].reverse().find((c) => c.operation === 'PutEvents');
    const entry = (
      call?.body as { Entries?: { Source: string; DetailType: string; Detail: string }[] }
    )?.Entries?.[0];
    if (entry?.DetailType !== 'Route Switch Requested')
      throw new Error('the heartbeat function published no request');
    return delivered(entry.Source, entry.DetailType, JSON.parse(entry.Detail));
  };
  /** A failover claim of the node, signed as lk-notify signs it. */
  const claim = (node: string) => {
    const key = keys[node]?.signing;
    if (!key) throw new Error(`no key for ${node}`);
    return composeFailover(
      { cluster: CLUSTER, node },
      VIP,
      { msgId: randomUUID(), claimedAt: Date.now() },
      [key],
    );
  };
  const failover = async (node: string) => {
    const signed = claim(node);
    const event = delivered(signed.source, signed.detailType, signed.detail);
    proxy.reset();
    const t0 = performance.now();
    const ingested = (await heartbeat(event, lambdaContext('heartbeat'))) as { kind: string };
    const t1 = performance.now();
    const request = published();
    const t2 = performance.now();
    const outcome = (await routeSwitch(request, lambdaContext('routeSwitch'))) as SwitchOutcome;
    const t3 = performance.now();
    return {
      ingested: ingested.kind,
      outcome: outcome.kind,
      heartbeatMs: t1 - t0,
      switchMs: t3 - t2,
    };
  };
  // The bare SDK goes through the same proxy hop, so both SDK columns pay it alike. (The AWS CLI goes to
  // the emulator directly: botocore's requests time out behind the proxy, and a ~1 ms hop is noise
  // against its ~1 s per process.)
  return {
    aws: emulatorClients(proxy.url),
    topology,
    failover,
    // For part (e), which drives the same functions under a latency profile.
    proxy,
    bus: BUS,
    claim,
    heartbeat,
    routeSwitch,
    published,
    close: () => proxy.close(),
  };
};

/** The emulator's own delivery: PutEvents → rule → SQS target → received, for one event. */
const measureDelivery = async (moto: Moto, runs: number): Promise<number[]> => {
  const aws = emulatorClients(moto.url);
  const tap = await createBusTap(aws, `${BUS}-delivery`, ['Route Switch Requested'], 'delivery');
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await aws.events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: `${BUS}-delivery`,
            Source: 'routekeeper',
            DetailType: 'Route Switch Requested',
            Detail: '{}',
          },
        ],
      }),
    );
    for (;;) {
      const output = await aws.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: tap.queueUrl, WaitTimeSeconds: 1 }),
      );
      const message = output.Messages?.[0];
      if (message === undefined) continue;
      await aws.sqs.send(
        new DeleteMessageCommand({ QueueUrl: tap.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
      break;
    }
    samples.push(performance.now() - t0);
  }
  return samples;
};

/** The bare minimum for the same work: one filtered describe, then N ReplaceRoute in parallel. */
export const bareSwitch = async (
  aws: ReturnType<typeof emulatorClients>,
  topology: Topology,
  eniId: string,
) => {
  const output = await aws.ec2.send(
    new DescribeRouteTablesCommand({
      Filters: [
        { Name: 'vpc-id', Values: [topology.vpcA] },
        { Name: 'route.destination-cidr-block', Values: [`${VIP}/32`] },
      ],
    }),
  );
  await Promise.all(
    (output.RouteTables ?? []).map((table) =>
      aws.ec2.send(
        new ReplaceRouteCommand({
          RouteTableId: table.RouteTableId,
          DestinationCidrBlock: `${VIP}/32`,
          NetworkInterfaceId: eniId,
        }),
      ),
    ),
  );
};

export const awsCliAvailable = (): boolean =>
  spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * What aws-vpc-move-ip runs per failover (without its 1 s sleeps): for every table a describe
 * (monitor), a replace-route, and a describe again (monitor after start). One CLI process per call.
 */
export const cliSwitch = (endpoint: string, topology: Topology, eniId: string) => {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
  };
  const aws = (...args: string[]) => {
    const result = spawnSync('aws', ['--endpoint-url', endpoint, 'ec2', ...args], {
      env,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`aws ${args[0]} failed: ${result.stderr}`);
  };
  const describe = (table: string) =>
    aws(
      'describe-route-tables',
      '--route-table-ids',
      table,
      '--filters',
      `Name=route.destination-cidr-block,Values=${VIP}/32`,
    );
  for (const table of topology.routeTables) describe(table);
  for (const table of topology.routeTables) {
    aws(
      'replace-route',
      '--route-table-id',
      table,
      '--destination-cidr-block',
      `${VIP}/32`,
      '--network-interface-id',
      eniId,
    );
  }
  for (const table of topology.routeTables) describe(table);
};

const time = async (run: () => Promise<unknown> | unknown): Promise<number> => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};

export interface LatencyOptions {
  readonly runs: number;
  readonly cliRuns: (tables: number) => number;
  readonly log: (line: string) => void;
}

/** Part (a): failover latency of routekeeper's full path vs the bare SDK minimum vs the CLI sequence. */
export const measureLatency = async (
  moto: Moto,
  tables: number,
  options: LatencyOptions,
): Promise<LatencyRow> => {
  const { aws, topology, failover, close } = await prepareFailover(moto, tables);
  const enis = topology.nodes.map((n) => n.eniId);
  let failures = 0;
  const heartbeatFn: number[] = [];
  const routeSwitchFn: number[] = [];
  // Three warm-up failovers (cold clients, first emulator calls), then the measured ones; node2, node1, ...
  for (let i = -3; i < options.runs; i++) {
    const hop = await failover(i % 2 === 0 ? 'node2' : 'node1');
    // The first warm-up claim finds node1 already in place; from then on every claim must switch.
    if (i < 0) continue;
    if (hop.ingested !== 'FailoverRequested' || hop.outcome !== 'Switched') {
      failures++;
      options.log(`    failover ${i}: heartbeat ${hop.ingested}, routeSwitch ${hop.outcome}`);
    }
    heartbeatFn.push(hop.heartbeatMs);
    routeSwitchFn.push(hop.switchMs);
  }
  options.log(`    routekeeper: ${heartbeatFn.length} failovers, ${failures} not Switched`);
  const bare: number[] = [];
  for (let i = -3; i < options.runs; i++) {
    const ms = await time(() => bareSwitch(aws, topology, enis[i % 2 === 0 ? 0 : 1] as string));
    if (i >= 0) bare.push(ms);
  }
  options.log(`    bare SDK: ${bare.length} failovers`);
  let cli: number[] | undefined;
  if (awsCliAvailable() && options.cliRuns(tables) > 0) {
    cli = [];
    const cliRuns = options.cliRuns(tables);
    for (let i = 0; i < cliRuns; i++) {
      cli.push(await time(() => cliSwitch(moto.url, topology, enis[i % 2] as string)));
    }
    options.log(`    aws CLI: ${cli.length} failovers`);
  }
  await close();
  const delivery = await measureDelivery(moto, options.runs);
  return {
    tables,
    routekeeper: summarize(heartbeatFn.map((ms, i) => ms + (routeSwitchFn[i] ?? 0))),
    heartbeatFn: summarize(heartbeatFn),
    routeSwitchFn: summarize(routeSwitchFn),
    delivery: summarize(delivery),
    bareSdk: summarize(bare),
    ...(cli ? { awsCli: summarize(cli), awsCliSamples: cli } : {}),
    failures,
  };
};
