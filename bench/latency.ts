import { spawnSync } from 'node:child_process';
import { DescribeRouteTablesCommand, ReplaceRouteCommand } from '@aws-sdk/client-ec2';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import type { Moto } from '../dev/moto';
import {
  buildTopology,
  CLUSTER,
  createTables,
  emulatorClients,
  type Topology,
  topologyConfig,
  VIP,
} from '../dev/topology';
import { buildDeps } from '../functions/route-switch/deps';
import { instrument, makeHandler } from '../functions/route-switch/handler';
import type { SwitchOutcome } from '../shared/domain/outcomes';
import { type Summary, summarize } from './stats';
import { writeTempJson } from './temp';

export interface LatencyRow {
  readonly tables: number;
  readonly routekeeper: Summary;
  readonly bareSdk: Summary;
  readonly awsCli?: Summary;
  readonly failures: number;
}

const BUS = 'routekeeper-bench';

const requestEvent = (node: string, orderToken: number) => ({
  version: '0',
  id: `bench-${orderToken}`,
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
    node,
    orderToken,
    idempotencyKey: `failover#${CLUSTER}#${VIP}#${node}#${orderToken}`,
    reason: 'failover',
    requestedAt: new Date().toISOString(),
  },
});

const context = (): Context =>
  ({
    functionName: 'bench-routeSwitch',
    awsRequestId: 'bench',
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

/** Prepare a topology with N managed tables and a routeSwitch handler wired to it. */
export const prepareSwitch = async (moto: Moto, tables: number) => {
  await moto.reset();
  const aws = emulatorClients(moto.url);
  const topology = await buildTopology(aws.ec2, { routeTables: tables });
  const ddb = await createTables(aws.dynamodb, `bench-${tables}`);
  await aws.events.send(new CreateEventBusCommand({ Name: BUS }));
  const handler = instrument(
    makeHandler(
      buildDeps({
        ...process.env,
        AWS_ENDPOINT_URL: moto.url,
        ROUTEKEEPER_CONFIG: writeTempJson('config', topologyConfig(topology)),
        STATE_TABLE: ddb.state,
        IDEMPOTENCY_TABLE: ddb.idempotency,
        EVENT_BUS_NAME: BUS,
      }),
    ),
  );
  return {
    aws,
    topology,
    switchTo: (node: string, token: number) =>
      handler(requestEvent(node, token), context()) as Promise<SwitchOutcome>,
  };
};

/** The bare minimum for the same work: one filtered describe, then N ReplaceRoute in parallel. */
const bareSwitch = async (
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
const cliSwitch = (endpoint: string, topology: Topology, eniId: string) => {
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

/** Part (a): failover latency of routeSwitch vs the bare SDK minimum vs the CLI sequence. */
export const measureLatency = async (
  moto: Moto,
  tables: number,
  options: LatencyOptions,
): Promise<LatencyRow> => {
  const { aws, topology, switchTo } = await prepareSwitch(moto, tables);
  const enis = topology.nodes.map((n) => n.eniId);
  const names = topology.nodes.map((n) => n.name);
  let token = Date.now();
  let failures = 0;
  const routekeeper: number[] = [];
  for (let i = -3; i < options.runs; i++) {
    const node = names[(i + 3) % 2 === 0 ? 1 : 0] as string;
    token += 1;
    const ms = await time(async () => {
      const outcome = await switchTo(node, token);
      if (outcome.kind !== 'Switched') failures++;
    });
    if (i >= 0) routekeeper.push(ms);
  }
  options.log(`    routekeeper: ${routekeeper.length} failovers`);
  const bare: number[] = [];
  for (let i = -3; i < options.runs; i++) {
    const ms = await time(() => bareSwitch(aws, topology, enis[i % 2 === 0 ? 0 : 1] as string));
    if (i >= 0) bare.push(ms);
  }
  options.log(`    bare SDK: ${bare.length} failovers`);
  let cli: number[] | undefined;
  if (awsCliAvailable()) {
    cli = [];
    const cliRuns = options.cliRuns(tables);
    for (let i = 0; i < cliRuns; i++) {
      cli.push(await time(() => cliSwitch(moto.url, topology, enis[i % 2] as string)));
      options.log(`    aws CLI: ${i + 1}/${cliRuns} failovers`);
    }
  }
  return {
    tables,
    routekeeper: summarize(routekeeper),
    bareSdk: summarize(bare),
    ...(cli ? { awsCli: summarize(cli) } : {}),
    failures,
  };
};
