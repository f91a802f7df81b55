import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { main as routekeeperCli } from '../cli/routekeeper/main';
import { buildDeps as buildDriftDeps } from '../functions/drift/deps';
import { makeHandler as makeDriftHandler } from '../functions/drift/handler';
import { buildDeps as buildHeartbeatDeps } from '../functions/heartbeat/deps';
import { makeHandler as makeHeartbeatHandler } from '../functions/heartbeat/handler';
import { buildDeps as buildSwitchDeps } from '../functions/route-switch/deps';
import { makeHandler as makeSwitchHandler } from '../functions/route-switch/handler';
import type { RoutekeeperConfigInput } from '../shared/config/schema';
import type { IngestOutcome } from '../shared/domain/intake/apply';
import type { SwitchOutcome } from '../shared/domain/switch/outcomes';
import { instrument } from '../shared/telemetry';
import { CLUSTER, REGION, type Topology, topologyConfig } from './guide';
import { type ProcessResult, runBundle } from './lk-notify';
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

/**
 * The steps the demo and the integration tests share: the guide's topology on an emulator with the tables,
 * the routekeeper bus and a tap (a rule with an SQS target) per function, the functions in-process with
 * their real adapters, and the moves of the story: lk-notify sends, the bus delivers, doctor reads.
 */

type ClusterInput = RoutekeeperConfigInput['clusters'][number];

export interface ScenarioOptions {
  /** The routekeeper bus; also names the taps' queues and rules. */
  readonly bus: string;
  /** Table name prefix. */
  readonly tables: string;
  /** Cluster fields over the topology's configuration (signing, drift mode, thresholds). */
  readonly cluster?: Partial<ClusterInput>;
  /** Also capture Route Switch Completed / Failed and Route Drift Detected (slower: moto delivers each). */
  readonly resultsTap?: boolean;
  readonly verifyBudgetMs?: number;
}

export interface Scenario {
  readonly endpoint: string;
  readonly aws: AwsClients;
  readonly topology: Topology;
  readonly tables: Tables;
  readonly bus: string;
  readonly configPath: string;
  /** What the functions (and doctor) see: the emulator as every endpoint, the tables, the bus. */
  readonly env: NodeJS.ProcessEnv;
  readonly queues: { readonly nodes: string; readonly switches: string; readonly results?: string };
  readonly heartbeat: (event: unknown) => Promise<IngestOutcome>;
  readonly routeSwitch: (event: unknown) => Promise<SwitchOutcome>;
  readonly drift: ReturnType<typeof makeDriftHandler>;
}

const lambdaContext = (name: string): Context =>
  ({
    functionName: `routekeeper-local-${name}`,
    awsRequestId: `local-${Date.now()}-${Math.random().toString(16).slice(2)}`,
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

/**
 * Build the world on the emulator at `endpoint`. SDK clients read AWS_ENDPOINT_URL from process.env when
 * they are built, so it is set there too.
 */
export const openScenario = async (
  endpoint: string,
  options: ScenarioOptions,
): Promise<Scenario> => {
  const aws = emulatorClients(endpoint);
  const topology = await buildTopology(aws.ec2);
  const tables = await createTables(aws.dynamodb, options.tables);
  const nodesTap = await createBusTap(
    aws,
    options.bus,
    ['LifeKeeper Failover', 'LifeKeeper Heartbeat'],
    'heartbeat-fn',
  );
  const switchTap = await createBusTap(
    aws,
    options.bus,
    ['Route Switch Requested'],
    'routeswitch-fn',
  );
  const resultsTap = options.resultsTap
    ? await createBusTap(
        aws,
        options.bus,
        ['Route Switch Completed', 'Route Switch Failed', 'Route Drift Detected'],
        'results',
      )
    : undefined;
  const configPath = join(mkdtempSync(join(tmpdir(), 'routekeeper-scenario-')), 'routekeeper.json');
  writeFileSync(
    configPath,
    JSON.stringify(topologyConfig(topology, {}, options.cluster ?? {}), null, 2),
  );
  process.env.AWS_ENDPOINT_URL = endpoint;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_REGION: REGION,
    ROUTEKEEPER_CONFIG: configPath,
    STATE_TABLE: tables.state,
    IDEMPOTENCY_TABLE: tables.idempotency,
    DEDUPE_TABLE: tables.dedupe,
    LIVENESS_TABLE: tables.liveness,
    EVENT_BUS_NAME: options.bus,
    VERIFY_BUDGET_MS: String(options.verifyBudgetMs ?? 3_000),
  };
  const heartbeat = instrument(makeHeartbeatHandler(buildHeartbeatDeps(env)));
  const routeSwitch = instrument(makeSwitchHandler(buildSwitchDeps(env)));
  return {
    endpoint,
    aws,
    topology,
    tables,
    bus: options.bus,
    configPath,
    env,
    queues: {
      nodes: nodesTap.queueUrl,
      switches: switchTap.queueUrl,
      ...(resultsTap === undefined ? {} : { results: resultsTap.queueUrl }),
    },
    heartbeat: (event) => heartbeat(event, lambdaContext('heartbeat')),
    routeSwitch: (event) => routeSwitch(event, lambdaContext('routeSwitch')),
    drift: makeDriftHandler(buildDriftDeps(env)),
  };
};

const pump = async <T>(
  scenario: Scenario,
  queue: string,
  handle: (event: CapturedEvent) => Promise<T>,
  atLeast: number,
): Promise<T[]> => {
  const outcomes: T[] = [];
  for (const event of await drain(scenario.aws.sqs, queue, atLeast))
    outcomes.push(await handle(event));
  return outcomes;
};

/** The bus delivers the node events it captured (at least `atLeast`) to the heartbeat function. */
export const deliverNodeEvents = (scenario: Scenario, atLeast: number) =>
  pump(scenario, scenario.queues.nodes, scenario.heartbeat, atLeast);

/** The bus delivers the Route Switch Requested events it captured to the routeSwitch function. */
export const deliverSwitchRequests = (scenario: Scenario, atLeast: number) =>
  pump(scenario, scenario.queues.switches, scenario.routeSwitch, atLeast);

/** Where each managed table (or the given ones) routes the VIP now, as EC2 reports it. */
export const vipTargetsOf = (
  scenario: Scenario,
  tables: readonly string[] = scenario.topology.routeTables,
) => vipTargets(scenario.aws.ec2, tables);

/** True when every managed table routes the VIP to `eni`. */
export const allRoutesOn = async (scenario: Scenario, eni: string): Promise<boolean> =>
  Object.values(await vipTargetsOf(scenario)).every((target) => target === eni);

/**
 * lk-notify, the single-file bundle under plain node, as the node would run it (identity from flags, no
 * instance metadata), sending to the scenario's bus on the emulator with the node's key document.
 */
export const lkNotify = (
  scenario: Scenario,
  bundle: string,
  node: string,
  keyDocument: string,
  args: readonly string[],
): Promise<ProcessResult> =>
  runBundle(
    bundle,
    [
      ...args,
      '--cluster',
      CLUSTER,
      '--node',
      node,
      '--bus',
      scenario.bus,
      '--region',
      REGION,
      '--no-imds',
    ],
    { AWS_ENDPOINT_URL: scenario.endpoint, AWS_REGION: REGION, LK_NOTIFY_KEY: keyDocument },
  );

/** `routekeeper doctor` in-process (its main()), read-only, against the emulator; returns what it printed. */
export const runDoctor = async (scenario: Scenario, ...extra: string[]): Promise<string> => {
  let out = '';
  await routekeeperCli(
    [
      'doctor',
      ...extra,
      '--config',
      scenario.configPath,
      '--state-table',
      scenario.tables.state,
      '--liveness-table',
      scenario.tables.liveness,
      '--no-probes',
      '--quiet',
    ],
    { out: (text) => (out += text), err: () => undefined, env: scenario.env },
  );
  return out;
};

export interface DoctorVerdict {
  readonly failed: number;
  readonly unknown: string[];
  readonly results: { check: string; code: string; outcome: string }[];
}

/** Doctor's JSON report, reduced to what a step judges. */
export const doctorVerdict = async (scenario: Scenario): Promise<DoctorVerdict> => {
  const report = JSON.parse(await runDoctor(scenario, '--json')) as {
    clusters: { results: { check: string; code: string; outcome: string }[] }[];
  };
  const results = report.clusters.flatMap((c) => c.results);
  return {
    failed: results.filter((r) => r.outcome === 'fail').length,
    unknown: results.filter((r) => r.outcome === 'unknown').map((r) => `${r.check} ${r.code}`),
    results,
  };
};
