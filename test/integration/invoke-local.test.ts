/**
 * `serverless invoke local` as a real process, offline, against the emulator: the way an operator tries
 * the packaged handler before deploying, as the README says. The stack is the packaged one, deployed to the
 * emulator, so the function's own environment (serverless.yml: table and bus names) is all it needs besides
 * the endpoint and the configuration. Stdin is closed (it would otherwise wait for an event on it).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { topologyConfig } from '../../dev/guide';
import { buildTopology, vipTargets } from '../../dev/topology';
import { clients, deployedStack, motoUrl, resetEmulator } from '../support/emulator';
import { switchRequestEvent } from '../support/events';

const ROOT = resolve(__dirname, '../..');
// Inside the project (.routekeeper/ is ignored by git): a relative ROUTEKEEPER_CONFIG is relative to it.
const CONFIG_DIR = join(ROOT, '.routekeeper', `invoke-local-${process.pid}`);

const invokeLocal = (eventPath: string, env: Record<string, string>) => {
  const started = Date.now();
  const result = spawnSync(
    join(ROOT, 'node_modules/.bin/serverless'),
    [
      'invoke',
      'local',
      '-f',
      'routeSwitch',
      '-p',
      eventPath,
      ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
      input: '',
      encoding: 'utf8',
      timeout: 150_000,
    },
  );
  return { ...result, ms: Date.now() - started };
};

const writeEvent = (event: unknown): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'routekeeper-event-')), 'event.json');
  writeFileSync(path, JSON.stringify(event));
  return path;
};

afterAll(() => rmSync(CONFIG_DIR, { recursive: true, force: true }));

describe('serverless invoke local', () => {
  it('runs the routeSwitch handler with a relative ROUTEKEEPER_CONFIG against the deployed stack and moves the routes', async () => {
    // Prepare
    await resetEmulator();
    await deployedStack();
    const aws = clients();
    const topology = await buildTopology(aws.ec2);
    mkdirSync(CONFIG_DIR, { recursive: true });
    const configPath = join(CONFIG_DIR, 'routekeeper.json');
    // serverless.yml derives the bus policy from the node roles, so even invoke local needs them.
    const config = topologyConfig(topology);
    for (const cluster of config.clusters)
      cluster.nodes = cluster.nodes.map((node) => ({
        ...node,
        roleArn: `arn:aws:iam::123456789012:role/${cluster.name}-${node.name}`,
      }));
    writeFileSync(configPath, JSON.stringify(config));
    const local = { AWS_ENDPOINT_URL: motoUrl(), ROUTEKEEPER_CONFIG: relative(ROOT, configPath) };
    // Act
    const result = invokeLocal(
      writeEvent(switchRequestEvent({ node: 'node2', orderToken: 5_000 })),
      local,
    );
    // Assess
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('"kind": "Switched"');
    const targets = await vipTargets(aws.ec2, topology.routeTables);
    expect(Object.values(targets)).toEqual(
      topology.routeTables.map(() => topology.nodes[1]?.eniId),
    );
  }, 180_000);

  it('exits non-zero, naming the file, when the function cannot load its configuration', () => {
    // Prepare: the framework resolves the stage's configuration; the function gets a broken one.
    mkdirSync(CONFIG_DIR, { recursive: true });
    const broken = join(CONFIG_DIR, 'broken.json');
    writeFileSync(broken, '{ "clusters": [');
    // Act
    const result = invokeLocal(writeEvent(switchRequestEvent({ node: 'node2' })), {
      ROUTEKEEPER_CONFIG: relative(ROOT, broken),
    });
    // Assess: it ends by itself (it used to print the error and hang), after bundling, within seconds.
    expect(result.signal, 'killed by the timeout: it hung').toBeNull();
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toContain(
      `configuration file ${broken} is not valid JSON`,
    );
  }, 180_000);
});
