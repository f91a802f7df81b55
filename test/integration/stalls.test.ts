/**
 * The command-line tools against an AWS endpoint that accepts connections and never answers, as real
 * processes: lk-notify keeps resending within its budget and exits 5 (retryable, not delivered), never
 * 6 (refused for good); `routekeeper doctor` ends at its --timeout with a clear message and exit 4.
 */

import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runNodeScript } from '../../dev/lk-notify';
import { fixtureConfigFile } from '../support/guide';
import { buildBundle, nodeKeyFile, runBundle } from '../support/lk-notify-process';
import { type StalledServer, startStalledServer } from '../support/stalled-server';

const ROOT = resolve(__dirname, '../..');

/** `node bin/routekeeper.cjs doctor ...` as a process; killed after `killMs` (the test then fails on the code). */
const doctor = (args: readonly string[], env: Record<string, string>, killMs = 60_000) =>
  runNodeScript('bin/routekeeper.cjs', ['doctor', ...args], env, { cwd: ROOT, timeoutMs: killMs });

let server: StalledServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('lk-notify against a bus endpoint that never answers', () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await buildBundle();
  });

  it('resends within its --timeout and exits 5 (retryable, not delivered)', async () => {
    // Prepare
    server = await startStalledServer('stall');
    // Act
    const result = await runBundle(
      bundle,
      [
        'heartbeat',
        '--cluster',
        'lk-demo',
        '--node',
        'node1',
        '--bus',
        'routekeeper-bus',
        '--region',
        'us-east-1',
        '--key-file',
        nodeKeyFile('node1'),
        '--no-imds',
        '--timeout',
        '6',
      ],
      { AWS_ENDPOINT_URL: server.url },
      30_000,
    );
    // Assess
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toContain('heartbeat not delivered');
    expect(server.requests()).toBeGreaterThanOrEqual(2);
    expect(result.ms).toBeLessThan(6_000 + 4_000);
  }, 40_000);
});

describe('routekeeper doctor against AWS endpoints that never answer', () => {
  it('ends at its --timeout with a clear message and exit 4', async () => {
    // Prepare
    server = await startStalledServer('stall');
    // Act
    const result = await doctor(
      ['--config', fixtureConfigFile(), '--timeout', '3', '--no-probes'],
      { AWS_ENDPOINT_URL: server.url },
    );
    // Assess
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/did not finish within 3 s \(--timeout\)/);
    expect(result.ms).toBeLessThan(3_000 + 8_000);
  }, 70_000);
});
