/** The heartbeat composition root counts a key-store outage and still trusts the configured keys. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import vectors from '../../../../docs/test-vectors.json';
import { buildDeps } from '../../../../functions/heartbeat/deps';
import { metrics } from '../../../../shared/telemetry';

const ssm = mockClient(SSMClient);

const configWithPublicKey = () => {
  const config = JSON.parse(readFileSync('test/fixtures/config/valid.json', 'utf8'));
  const node2 = vectors.keys.find((k) => k.kid === 'node2.2026-11') as { publicKey: string };
  config.clusters[0].signing.publicKeys = [
    { kid: 'node2.2026-11', node: 'node2', publicKey: node2.publicKey },
  ];
  const path = join(mkdtempSync(join(tmpdir(), 'routekeeper-heartbeat-deps-')), 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
};

afterEach(() => {
  ssm.reset();
  vi.restoreAllMocks();
});

describe('heartbeat deps: key-store outage', () => {
  it('verifies with the configured key and counts KeyStoreUnavailable when SSM fails', async () => {
    // Prepare
    ssm.rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    const added = vi.spyOn(metrics, 'addMetric');
    const deps = buildDeps({ ...process.env, ROUTEKEEPER_CONFIG: configWithPublicKey() });
    // Act
    const keys = await deps.keyring.lookup('lk-prod', ['node2.2026-11']);
    // Assess
    expect([...keys.keys()]).toEqual(['node2.2026-11']);
    expect(added.mock.calls.map(([name, , value]) => [name, value])).toContainEqual([
      'KeyStoreUnavailable',
      1,
    ]);
  });
});
