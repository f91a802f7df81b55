/**
 * `npm run local`: routekeeper's real stack on this machine. Packages the stack (`serverless package`,
 * skipped when the sources have not changed), deploys the packaged CloudFormation template to the emulator
 * it starts (moto_server on 127.0.0.1; or to AWS_ENDPOINT_URL when set), reports the stack's resources,
 * builds the guide's topology (the customer's VPCs, nodes and Transit Gateway: not the stack's) and runs
 * each function's packaged bundle fed by the deployed rules (dev/local-runner.ts). Then post with lk-notify
 * (the commands are printed) and watch the routes move. Ctrl-C stops everything it started.
 *
 *   npm run local [-- --dir <folder for the configuration and node keys>]   (default .routekeeper/local)
 */

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { eventLogReader } from './event-log';
import { CLUSTER, REGION, topologyConfig, VIP } from './guide';
import { type LocalRunner, startRunner } from './local-runner';
import { deployStack, packageStack, stackClients } from './local-stack';
import { type Moto, MotoMissingError, startMoto } from './moto';
import { generateNodeKey, keyDocument } from './node-keys';
import { buildTopology, emulatorClients, vipTargets } from './topology';

/** What a session wrote for the user (and for test/integration/local.test.ts). */
export interface LocalSession {
  readonly endpoint: string;
  readonly region: string;
  readonly bus: string;
  readonly cluster: string;
  readonly vip: string;
  readonly configPath: string;
  readonly nodes: readonly { name: string; eniId: string; keyFile: string }[];
  readonly routeTables: readonly string[];
}

const summarize = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return String(value);
  const v = value as Record<string, unknown>;
  if (typeof v.kind === 'string')
    return [v.kind, v.reason, v.refusal].filter((x) => typeof x === 'string').join(' ');
  return JSON.stringify(value).slice(0, 160);
};

let moto: Moto | undefined;
let runner: LocalRunner | undefined;
let watch: NodeJS.Timeout | undefined;
let stopping: Promise<void> | undefined;

/** Stop what this command started: the route watch, the runner (its targets, queues, processes), the emulator. */
const stop = (): Promise<void> => {
  stopping ??= (async () => {
    console.log(
      '\nstopping: the function runner, its rule targets and queues, the emulator it started',
    );
    clearInterval(watch);
    await runner?.stop();
    await moto?.stop();
    console.log('stopped');
  })();
  return stopping;
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

const run = async (): Promise<void> => {
  const { values } = parseArgs({ options: { dir: { type: 'string' } } });
  const dir = resolve(values.dir ?? '.routekeeper/local');
  mkdirSync(dir, { recursive: true });
  const say = (line: string) => console.log(line);
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.AWS_REGION = REGION;

  const external = process.env.AWS_ENDPOINT_URL;
  if (external === undefined) moto = await startMoto();
  const endpoint = external ?? (moto as Moto).url;
  process.env.AWS_ENDPOINT_URL = endpoint;
  say(
    `emulator: ${external === undefined ? 'moto_server started on' : 'AWS_ENDPOINT_URL'} ${endpoint}`,
  );

  say('packaging: serverless package --stage dev ...');
  const started = Date.now();
  const pkg = await packageStack();
  say(
    pkg.packaged
      ? `  packaged in ${((Date.now() - started) / 1000).toFixed(0)} s into ${relative(process.cwd(), pkg.dir)}`
      : `  ${relative(process.cwd(), pkg.dir)} already holds the package of these sources`,
  );
  if (stopping) return stopping;

  say('deploying the packaged template (create-stack, upload the zips, update-stack) ...');
  const clients = stackClients(endpoint, REGION);
  const stack = await deployStack(clients, pkg.dir);
  const statuses = new Map<string, number>();
  for (const r of stack.resources)
    statuses.set(r.ResourceStatus ?? '?', (statuses.get(r.ResourceStatus ?? '?') ?? 0) + 1);
  say(
    `stack ${stack.name}: ${stack.resources.length} resources, ${
      statuses.size === 1
        ? `all ${[...statuses.keys()][0]}`
        : [...statuses].map(([status, count]) => `${count} ${status}`).join(', ')
    }`,
  );
  for (const r of stack.resources)
    say(
      `  ${(r.ResourceType ?? '').padEnd(34)} ${(r.LogicalResourceId ?? '').padEnd(48)} ${(r.PhysicalResourceId ?? '').replace(/\s+/g, ' ').slice(0, 90)}`,
    );
  for (const fn of stack.functions)
    say(
      `function ${fn.name} (${fn.functionName}, ${fn.handler}, timeout ${fn.timeoutSeconds} s, ${fn.maxRetryAttempts} retries): ${Object.entries(
        fn.environment,
      )
        .filter(([key]) => !key.startsWith('POWERTOOLS_'))
        .map(([key, value]) => `${key}=${value}`)
        .join(' ')}`,
    );
  for (const rule of stack.rules)
    say(
      `rule ${rule.name} (${rule.busName}): ${rule.eventPattern ?? rule.scheduleExpression} → ${rule.functionName}`,
    );

  say(
    `event log ${stack.eventLog}: routekeeper's own events (on AWS: aws logs tail ${stack.eventLog} --follow)`,
  );

  say("building the guide's topology (the customer's VPCs, nodes and Transit Gateway) ...");
  const aws = emulatorClients(endpoint);
  const topology = await buildTopology(aws.ec2);
  const keys = topology.nodes.map((node) => ({ node, key: generateNodeKey(node.name, 'local') }));
  const nodes = keys.map(({ node, key }) => {
    const keyFile = resolve(dir, `${node.name}.key.json`);
    writeFileSync(keyFile, keyDocument(key), { mode: 0o600 });
    return { name: node.name, eniId: node.eniId, keyFile };
  });
  const configPath = resolve(dir, 'routekeeper.json');
  const config = topologyConfig(
    topology,
    {},
    {
      signing: {
        publicKeys: keys.map(({ node, key }) => ({
          kid: key.kid,
          node: node.name,
          publicKey: key.publicKey,
        })),
      },
    },
  );
  writeFileSync(configPath, JSON.stringify(config, null, 2));

  const logFile = resolve(dir, 'functions.log');
  writeFileSync(logFile, '');
  runner = await startRunner(stack, clients, {
    endpoint,
    // The one override of the deployed environment: the configuration of the emulator's resources.
    environment: { ROUTEKEEPER_CONFIG: configPath },
    onInvocation: (i) =>
      say(
        `  ${i.functionName} ← ${i.detailType}: ${
          i.error === undefined
            ? summarize(i.result)
            : `${i.error.errorType}: ${i.error.errorMessage}${i.deadLettered ? ` → dead-letter queue (${i.deadLettered})` : ''}`
        }${i.attempts > 1 ? ` (${i.attempts} attempts)` : ''}`,
      ),
    onLog: (fn, line) => appendFileSync(logFile, `${fn} ${line}\n`),
  });
  if (stopping) return stopping;

  const session: LocalSession = {
    endpoint,
    region: REGION,
    bus: stack.busName,
    cluster: CLUSTER,
    vip: VIP,
    configPath,
    nodes,
    routeTables: topology.routeTables,
  };
  writeFileSync(resolve(dir, 'session.json'), JSON.stringify(session, null, 2));

  const names = new Map(topology.nodes.map((n) => [n.eniId, n.name]));
  const cli = (node: string, args: string) =>
    `  AWS_ENDPOINT_URL=${endpoint} AWS_REGION=${REGION} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \\\n` +
    `    npx lk-notify ${args} --cluster ${CLUSTER} --node ${node} --bus ${stack.busName} --no-imds --key-file ${resolve(dir, `${node}.key.json`)}`;
  say(`
routekeeper runs locally: the packaged bundles, fed by the deployed rules (function logs: ${relative(process.cwd(), logFile)}).
Post as the nodes would, from another terminal:
${cli('node1', `heartbeat --vip ${VIP}`)}
${cli('node2', 'heartbeat')}
${cli('node2', `failover --vip ${VIP}`)}
and watch the routes below move. Ctrl-C stops everything.
ready`);

  let last = '';
  const show = async () => {
    const targets = await vipTargets(aws.ec2, topology.routeTables).catch(() => undefined);
    if (targets === undefined) return;
    const line = Object.entries(targets)
      .map(([table, eni]) => `${table} → ${names.get(eni) ?? eni}`)
      .join(', ');
    if (line !== last) say(`routes ${VIP}/32: ${line}`);
    last = line;
  };
  const log = await eventLogReader(aws.logs, stack.eventLog);
  const showEvents = async () => {
    for (const event of await log.next().catch(() => []))
      say(
        `event log: ${event['detail-type']} ${JSON.stringify(event.detail).replace(/\s+/g, ' ').slice(0, 200)}`,
      );
  };
  await show();
  watch = setInterval(() => void show().then(showEvents), 1_000);
};

run().catch(async (error) => {
  console.error(error instanceof MotoMissingError ? error.message : error);
  process.exitCode = 1;
  await stop();
});
