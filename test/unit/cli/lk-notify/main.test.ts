/** lk-notify in-process: usage and key errors map to their exit codes, and key material is never printed. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../../cli/lk-notify/exit-codes';
import { run } from '../../../../cli/lk-notify/main';
import vectors from '../../../../docs/test-vectors.json';
import { check, checkDeps, eventFromEntry } from '../../../support/lkrc';

const node1Keys = {
  keys: vectors.keys
    .filter((k) => k.node === 'node1')
    .map((k) =>
      k.alg === 'v1'
        ? { kid: k.kid, alg: k.alg, secret: k.secret }
        : { kid: k.kid, alg: k.alg, privateKey: k.privateKey },
    ),
};

const keyFile = (document: unknown = node1Keys) => {
  const path = join(mkdtempSync(join(tmpdir(), 'lk-notify-key-')), 'key.json');
  writeFileSync(path, JSON.stringify(document));
  return path;
};

const invoke = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  let out = '';
  let err = '';
  const code = await run(argv, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env: { AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  return { code, out, err };
};

const base = ['--cluster', 'lk-demo', '--node', 'node1', '--no-imds'];
const secrets = vectors.keys
  .flatMap((k) => [(k as { secret?: string }).secret, (k as { privateKey?: string }).privateKey])
  .filter(Boolean) as string[];

describe('lk-notify exit codes', () => {
  it.each([
    ['no command', []],
    ['an unknown command', ['reboot']],
    ['failover without --vip', ['failover', ...base]],
    ['an unknown flag', ['heartbeat', '--frobnicate']],
    ['a bad timeout', ['heartbeat', ...base, '--timeout', 'soon']],
    ['failover without --bus when sending', ['failover', ...base, '--vip', '10.1.0.10']],
  ])('%s is a usage error (2)', async (_what, argv) => {
    // Act
    const { code, err } = await invoke(argv);
    // Assess
    expect(code).toBe(EXIT.USAGE);
    expect(err).toMatch(/^lk-notify: /);
  });

  it('an invalid VIP is a usage error', async () => {
    // Act
    const { code } = await invoke([
      'failover',
      ...base,
      '--vip',
      '10.1.0.300',
      '--dry-run',
      '--key-file',
      keyFile(),
    ]);
    // Assess
    expect(code).toBe(EXIT.USAGE);
  });

  it.each([
    ['no key at all', []],
    ['an unreadable key file', ['--key-file', '/nonexistent/key.json']],
    [
      "another node's key",
      ['--key-file', keyFile({ kid: 'node2.k', alg: 'v1a', privateKey: 'A'.repeat(43) })],
    ],
    ['a malformed key', ['--key-file', keyFile({ kid: 'node1.k', alg: 'v1', secret: 'short' })]],
  ])('%s is a key error (3)', async (_what, flags) => {
    // Act
    const { code, err } = await invoke([
      'failover',
      ...base,
      '--vip',
      '10.1.0.10',
      '--dry-run',
      ...flags,
    ]);
    // Assess
    expect(code).toBe(EXIT.KEY);
    for (const secret of secrets) expect(err).not.toContain(secret);
  });

  it('a missing region without the metadata service is an identity error (4)', async () => {
    // Act
    const { code } = await invoke([
      'failover',
      ...base,
      '--vip',
      '10.1.0.10',
      '--bus',
      'b',
      '--key-file',
      keyFile(),
    ]);
    // Assess
    expect(code).toBe(EXIT.IDENTITY);
  });

  it('--help prints the exit codes and succeeds', async () => {
    // Act
    const { code, out } = await invoke(['--help']);
    // Assess
    expect(code).toBe(EXIT.OK);
    expect(out).toContain('Exit codes:');
  });
});

describe('lk-notify --dry-run', () => {
  it('prints an entry the verifier accepts, signed with every key, and no key material', async () => {
    // Prepare
    const env = { LK_NOTIFY_KEY: JSON.stringify(node1Keys) };
    const started = Date.now();
    // Act
    const { code, out } = await invoke(
      ['failover', ...base, '--vip', '10.1.0.10/32', '--dry-run'],
      env,
    );
    // Assess
    expect(code).toBe(EXIT.OK);
    const [entry] = JSON.parse(out);
    expect(JSON.parse(entry.Detail).sig.map((s: { kid: string }) => s.kid)).toEqual([
      'node1.2026-11',
      'node1.h2026-11',
    ]);
    const outcome = await check(eventFromEntry(entry), checkDeps(started));
    expect(outcome).toMatchObject({ kind: 'Verified', node: 'node1' });
    for (const secret of secrets) expect(out).not.toContain(secret);
  });

  it('reads the settings file for what the flags leave open', async () => {
    // Prepare
    const settings = join(mkdtempSync(join(tmpdir(), 'lk-notify-settings-')), 'settings.json');
    writeFileSync(
      settings,
      JSON.stringify({ cluster: 'lk-demo', node: 'node1', keyFile: keyFile(), imds: false }),
    );
    // Act
    const { code, out } = await invoke(['heartbeat', '--dry-run'], {
      LK_NOTIFY_SETTINGS: settings,
    });
    // Assess
    expect(code).toBe(EXIT.OK);
    expect(JSON.parse(out)).toMatchObject([
      { Source: 'lifekeeper.lk-demo.node1', DetailType: 'LifeKeeper Heartbeat' },
    ]);
  });
});

describe('lk-notify settings file', () => {
  const settingsFile = (content: unknown) => {
    const path = join(mkdtempSync(join(tmpdir(), 'lk-notify-settings-')), 'settings.json');
    writeFileSync(path, JSON.stringify(content));
    return path;
  };

  it('names an unknown key', async () => {
    // Prepare
    const path = settingsFile({ cluster: 'lk-demo', node: 'node1', timeoutSecs: 20 });
    // Act
    const { code, err } = await invoke(['heartbeat', '--dry-run', '--settings', path]);
    // Assess
    expect(code).toBe(EXIT.USAGE);
    expect(err).toContain('unknown key "timeoutSecs"');
  });

  it('names a key whose value is wrong, and says what is wrong with it', async () => {
    // Prepare
    const path = settingsFile({ cluster: 'lk-demo', node: 'node1', waitSeconds: 'soon' });
    // Act
    const { code, err } = await invoke(['heartbeat', '--dry-run', '--settings', path]);
    // Assess
    expect(code).toBe(EXIT.USAGE);
    expect(err).toMatch(/"waitSeconds": .*number/);
  });
});

describe('lk-notify --wait and check usage', () => {
  it.each([
    ['--wait on a heartbeat', ['heartbeat', ...base, '--wait']],
    ['--wait with --dry-run', ['failover', ...base, '--vip', '10.1.0.10', '--wait', '--dry-run']],
    ['check without --vip', ['check', ...base]],
    ['a bad --wait-timeout', ['failover', ...base, '--vip', '10.1.0.10', '--wait-timeout', '0']],
    ['a malformed --eni', ['check', ...base, '--vip', '10.1.0.10', '--eni', 'eth0']],
    ['a log cap below 16 KiB', ['heartbeat', ...base, '--log-max-kb', '1']],
  ])('%s is a usage error (2)', async (_what, argv) => {
    // Act
    const { code } = await invoke(argv);
    // Assess
    expect(code).toBe(EXIT.USAGE);
  });

  it('check without an ENI or VPC, and no metadata service, is an identity error (4)', async () => {
    // Act
    const { code, err } = await invoke([
      'check',
      ...base,
      '--vip',
      '10.1.0.10',
      '--bus',
      'b',
      '--region',
      'us-east-1',
      '--key-file',
      keyFile(),
    ]);
    // Assess
    expect(code).toBe(EXIT.IDENTITY);
    expect(err).toContain("this node's ENI is unknown");
  });
});

describe('lk-notify --log', () => {
  it('appends the run and its exit code, and rotates the log to .1 once it reaches the cap', async () => {
    // Prepare
    const log = join(mkdtempSync(join(tmpdir(), 'lk-notify-log-')), 'lk-notify.log');
    writeFileSync(log, 'x'.repeat(16 * 1024));
    const argv = ['heartbeat', ...base, '--dry-run', '--key-file', keyFile(), '--log', log];
    // Act
    const first = await invoke([...argv, '--log-max-kb', '16']);
    const second = await invoke([...argv, '--log-max-kb', '16']);
    // Assess
    expect([first.code, second.code]).toEqual([EXIT.OK, EXIT.OK]);
    expect(readFileSync(`${log}.1`, 'utf8')).toBe('x'.repeat(16 * 1024));
    const text = readFileSync(log, 'utf8');
    expect(text.match(/ out lk-notify heartbeat exited 0$/gm)).toHaveLength(2);
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z out \[$/m);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
