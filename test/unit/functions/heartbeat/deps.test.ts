/** The heartbeat composition root counts a key-store outage and still trusts the configured keys. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLUSTER } from '../../../../dev/guide';
import vectors from '../../../../docs/test-vectors.json';
import { buildDeps } from '../../../../functions/heartbeat/deps';
import { makeHandler } from '../../../../functions/heartbeat/handler';
import { metrics } from '../../../../shared/telemetry';
import { lambdaContext } from '../../../support/events';
import { fixtureConfigInput } from '../../../support/guide';
import { demoConfig, failoverEvent, T0 } from '../../../support/lkrc';
import { expectStopBeforeTimeout, STOP_BEFORE_MS } from '../../../support/remaining-time';
import { type StalledServer, startStalledServer } from '../../../support/stalled-server';

const ssm = mockClient(SSMClient);

const writeConfig = (config: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'routekeeper-heartbeat-deps-')), 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
};

const configWithPublicKey = () => {
  const config = JSON.parse(JSON.stringify(fixtureConfigInput()));
  const node2 = vectors.keys.find((k) => k.kid === 'node2.2026-11') as { publicKey: string };
  config.clusters[0].signing.publicKeys = [
    { kid: 'node2.2026-11', node: 'node2', publicKey: node2.publicKey },
  ];
  return writeConfig(config);
};

let server: StalledServer | undefined;
afterEach(async () => {
  ssm.reset();
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

describe('heartbeat deps: key-store outage', () => {
  it('verifies with the configured key and counts KeyStoreUnavailable when SSM fails', async () => {
    // Prepare
    ssm.rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    const added = vi.spyOn(metrics, 'addMetric');
    const deps = buildDeps({ ...process.env, ROUTEKEEPER_CONFIG: configWithPublicKey() });
    // Act
    const keys = await deps.keyring.lookup(CLUSTER, ['node2.2026-11']);
    // Assess
    expect([...keys.keys()]).toEqual(['node2.2026-11']);
    expect(added.mock.calls.map(([name, , value]) => [name, value])).toContainEqual([
      'KeyStoreUnavailable',
      1,
    ]);
  });
});

describe('heartbeat deps: remaining-time guard', () => {
  it('fails retryable before the remaining time runs out when the key store never answers', async () => {
    // Prepare: 1.5 s left, stop 0.5 s before; every AWS endpoint accepts and never answers.
    ssm.restore();
    server = await startStalledServer('stall');
    const config = writeConfig(demoConfig({ signing: { keyStore: 'ssm:/routekeeper/keys' } }));
    const env = {
      ...process.env,
      ROUTEKEEPER_CONFIG: config,
      AWS_ENDPOINT_URL: server.url,
      STOP_BEFORE_TIMEOUT_MS: STOP_BEFORE_MS,
    };
    const handle = makeHandler(buildDeps(env, () => new Date(T0)));
    // Act / Assess
    await expectStopBeforeTimeout((context) => handle(failoverEvent({}), context));
  }, 15_000);
});

describe('heartbeat deps: a stalled key store', () => {
  it('falls back to the configured key well inside the function timeout', async () => {
    // Prepare: SSM accepts and never answers; 20 s left, as in AWS.
    ssm.restore();
    server = await startStalledServer('stall');
    const added = vi.spyOn(metrics, 'addMetric');
    const deps = buildDeps({
      ...process.env,
      ROUTEKEEPER_CONFIG: configWithPublicKey(),
      AWS_ENDPOINT_URL: server.url,
    });
    deps.registerContext(lambdaContext(20_000));
    const started = Date.now();
    // Act
    const keys = await deps.keyring.lookup(CLUSTER, ['node2.2026-11']);
    const elapsedMs = Date.now() - started;
    // Assess: time left for the table writes and the publish that follow.
    expect([...keys.keys()]).toEqual(['node2.2026-11']);
    expect(elapsedMs).toBeLessThan(8_000);
    expect(added.mock.calls.map(([name]) => name)).toContain('KeyStoreUnavailable');
  }, 40_000);
});
