/**
 * lkrc v1 from a second, independent implementation (docs/examples/lkrc.py: Python's hmac and the
 * `cryptography` package, which moto already brings): it reproduces every test vector, and routekeeper's
 * verifier accepts what it signs. Python is required here, as for moto itself; a missing one fails.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeKeyFile } from '../support/lk-notify-process';
import { eventFromEntry, unitHandler } from '../support/lkrc';

const ROOT = resolve(__dirname, '../..');
const python = (args: string[]) =>
  spawnSync('python3', [resolve(ROOT, 'docs/examples/lkrc.py'), ...args], { encoding: 'utf8' });

describe('the Python reference client', () => {
  it('reproduces every test vector byte for byte', () => {
    // Act
    const result = python(['vectors', resolve(ROOT, 'docs/test-vectors.json')]);
    // Assess
    expect(result.error, 'python3 is required (it also runs moto)').toBeUndefined();
    expect(result.stdout.match(/^ok /gm)).toHaveLength(3);
    expect(result.status).toBe(0);
  });

  it('signs a heartbeat that the heartbeat handler accepts, and the handler rejects it once tampered with', async () => {
    // Prepare
    const result = python([
      'heartbeat',
      '--cluster',
      'lk-demo',
      '--node',
      'node2',
      '--key-file',
      nodeKeyFile('node2'),
      '--vip',
      '10.1.0.10',
    ]);
    const entry = JSON.parse(result.stdout);
    const tampered = {
      ...entry,
      Detail: entry.Detail.replace('"lkrc":"1","msgId":"', '"lkrc":"1","msgId":"0'),
    };
    const handler = unitHandler(Date.now());
    // Act
    const accepted = await handler.handle(eventFromEntry(entry));
    const rejected = await handler.handle(eventFromEntry(tampered));
    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(accepted).toMatchObject({
      kind: 'HeartbeatRecorded',
      node: 'node2',
      vipsHeld: ['10.1.0.10'],
    });
    expect(rejected).toMatchObject({ kind: 'Rejected' });
  });
});
