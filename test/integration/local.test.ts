/**
 * `npm run local` as a user runs it, against the suite's emulator (AWS_ENDPOINT_URL): the packaged template
 * deployed, the packaged bundles run by the local runner, fed by the deployed rules. lk-notify posts; the
 * routes move through heartbeat rule → heartbeat bundle → routeSwitch rule → routeSwitch bundle; Ctrl-C
 * stops it and puts the deployed rule targets back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBundle, runBundle } from '../../dev/lk-notify';
import type { LocalSession } from '../../dev/local';
import { PACKAGE_DIR } from '../../dev/local-stack';
import { vipTargets } from '../../dev/topology';
import { clients, motoUrl, resetEmulator } from '../support/emulator';

const ROOT = resolve(__dirname, '../..');

const waitFor = async (
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

let local: ChildProcess | undefined;
afterEach(() => {
  if (local?.exitCode === null) local.kill('SIGKILL');
});

describe('npm run local', () => {
  it('deploys the packaged stack and moves the routes through the deployed rules and the packaged bundles; Ctrl-C stops it', async () => {
    // Prepare
    await resetEmulator();
    const dir = mkdtempSync(join(tmpdir(), 'routekeeper-local-'));
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['dev/local.ts', '--dir', dir], {
      cwd: ROOT,
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: motoUrl(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    local = child;
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await waitFor('ready', () => out.includes('\nready\n') || child.exitCode !== null, 90_000);
    expect(child.exitCode, out).toBeNull();
    const session = JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as LocalSession;
    const bundle = await buildBundle();
    const post = async (node: string, args: string[]) => {
      const result = await runBundle(
        bundle,
        [
          ...args,
          '--cluster',
          session.cluster,
          '--node',
          node,
          '--bus',
          session.bus,
          '--region',
          session.region,
          '--no-imds',
          '--key-file',
          join(dir, `${node}.key.json`),
        ],
        { AWS_ENDPOINT_URL: session.endpoint, AWS_REGION: session.region },
      );
      expect(result.code, result.stderr).toBe(0);
    };
    const [node1, node2] = session.nodes as [LocalSession['nodes'][0], LocalSession['nodes'][0]];
    const { ec2, events, sqs } = clients();
    const routesOn = async (eni: string) =>
      Object.values(await vipTargets(ec2, session.routeTables)).every((target) => target === eni);

    // Act
    await post('node1', ['heartbeat', '--vip', session.vip]);
    await post('node2', ['heartbeat']);
    await waitFor(
      'the bootstrap',
      () => out.includes('Route Switch Requested: AlreadyInPlace'),
      30_000,
    );
    await post('node2', ['failover', '--vip', session.vip]);
    await waitFor('the routes on node2', () => routesOn(node2.eniId), 30_000);
    await waitFor(
      'the switch reported',
      () => out.includes('Route Switch Requested: Switched'),
      10_000,
    );
    // The failover's result, not the bootstrap's, read back from the stack's event log.
    const failoverLogged = /event log: Route Switch Completed \{.*"node":"node2"/;
    await waitFor('the result in the event log', () => failoverLogged.test(out), 10_000);
    child.kill('SIGINT');
    const code = await Promise.race([
      exited,
      new Promise<string>((r) => setTimeout(() => r('still running'), 15_000)),
    ]);

    // Assess
    // Every resource of the packaged template, deployed.
    const template = JSON.parse(
      readFileSync(join(PACKAGE_DIR, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as { Resources: Record<string, unknown> };
    const resources = Object.keys(template.Resources).length;
    expect(out).toMatch(
      new RegExp(
        `stack routekeeper-dev: ${resources} resources, (all \\w+_COMPLETE|(\\d+ \\w+_COMPLETE(, )?)+)\n`,
      ),
    );
    expect(out).toMatch(failoverLogged);
    expect(out).toContain('heartbeat ← LifeKeeper Failover: ');
    expect(out).toContain('routeSwitch ← Route Switch Requested: Switched');
    expect(await routesOn(node1.eniId)).toBe(false);
    expect(code, out).toBe(0);
    expect(out).toContain('stopped');
    const targets = await events.send(
      new ListTargetsByRuleCommand({
        Rule: 'routekeeper-dev-heartbeat-rule-1',
        EventBusName: session.bus,
      }),
    );
    expect(targets.Targets?.map((t) => t.Arn)).toEqual([
      'arn:aws:lambda:us-east-1:123456789012:function:routekeeper-dev-heartbeat',
    ]);
    const queues = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    expect(queues.filter((q) => q.endsWith('-local'))).toEqual([]);
  }, 180_000);
});
