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
import { feedRuleToQueue } from './local-runner';
import {
  type DeployedStack,
  deployStack,
  packageStack,
  stackClients,
  stackEnvironment,
  stackTables,
} from './local-stack';
import type { Tables } from './tables';
import {
  type AwsClients,
  buildTopology,
  type CapturedEvent,
  drain,
  emulatorClients,
  vipTargets,
} from './topology';

/**
 * The steps the demo and the integration tests share: routekeeper's packaged stack deployed to the
 * emulator (its tables, bus, rules: dev/local-stack.ts), the guide's topology (the customer's resources),
 * each deployed rule feeding an SQS queue, the functions in-process with their real adapters and the
 * environment the deployed functions have, and the moves of the story: lk-notify sends, the bus delivers,
 * doctor reads.
 */

type ClusterInput = RoutekeeperConfigInput['clusters'][number];

export interface ScenarioOptions {
  /** Cluster fields over the topology's configuration (signing, drift mode, thresholds). */
  readonly cluster?: Partial<ClusterInput>;
  readonly verifyBudgetMs?: number;
}

export interface Scenario {
  readonly endpoint: string;
  readonly aws: AwsClients;
  readonly stack: DeployedStack;
  readonly topology: Topology;
  readonly tables: Tables;
  readonly bus: string;
  readonly configPath: string;
  /** What the functions (and doctor) see: the emulator as every endpoint, the tables, the bus. */
  readonly env: NodeJS.ProcessEnv;
  /** The queues the deployed heartbeat and routeSwitch rules deliver to. */
  readonly queues: { readonly nodes: string; readonly switches: string };
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
  const stackApi = stackClients(endpoint, REGION);
  const stack = await deployStack(stackApi, (await packageStack()).dir);
  const topology = await buildTopology(aws.ec2);
  const fn = (name: string) => {
    const found = stack.functions.find((f) => f.name === name);
    if (!found) throw new Error(`the stack has no function ${name}`);
    return found;
  };
  const ruleOf = (name: string) => {
    const rule = stack.rules.find(
      (r) => r.eventPattern !== undefined && r.functionName === fn(name).functionName,
    );
    if (!rule) throw new Error(`the stack has no rule for ${name}`);
    return rule;
  };
  const nodesTap = await feedRuleToQueue(stackApi, ruleOf('heartbeat'));
  const switchTap = await feedRuleToQueue(stackApi, ruleOf('routeSwitch'));
  const deployed = stackEnvironment(stack);
  const tables: Tables = stackTables(stack);
  const configPath = join(mkdtempSync(join(tmpdir(), 'routekeeper-scenario-')), 'routekeeper.json');
  writeFileSync(
    configPath,
    JSON.stringify(topologyConfig(topology, {}, options.cluster ?? {}), null, 2),
  );
  process.env.AWS_ENDPOINT_URL = endpoint;
  // The deployed functions' environment (tables, bus, settings), the emulator's configuration instead of
  // the packaged one, and a shorter verify budget for the emulator.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...deployed,
    AWS_REGION: REGION,
    ROUTEKEEPER_CONFIG: configPath,
    VERIFY_BUDGET_MS: String(options.verifyBudgetMs ?? 3_000),
  };
  const heartbeat = instrument(makeHeartbeatHandler(buildHeartbeatDeps(env)));
  const routeSwitch = instrument(makeSwitchHandler(buildSwitchDeps(env)));
  return {
    endpoint,
    aws,
    stack,
    topology,
    tables,
    bus: stack.busName,
    configPath,
    env,
    queues: { nodes: nodesTap.queueUrl, switches: switchTap.queueUrl },
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
