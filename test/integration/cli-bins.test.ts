/**
 * The package's command-line tools as a user on a fresh clone runs them after `npm ci`: through npx,
 * as real processes (lk-notify is an npm workspace, routekeeper the root package's bin, which runs the
 * bundle dist/routekeeper.cjs that `npm ci` builds and the integration setup rebuilds).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

const npx = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync('npx', ['--no-install', ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    input: '',
    timeout: 60_000,
  });

/** A user's environment with no AWS credentials anywhere (and no metadata service to ask). */
const withoutCredentials = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: mkdtempSync(join(tmpdir(), 'no-aws-home-')),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  for (const name of Object.keys(env)) {
    if (name.startsWith('AWS_') && name !== 'AWS_EC2_METADATA_DISABLED') delete env[name];
  }
  return env;
};

describe('command-line tools through npx', () => {
  it('npx lk-notify --help prints the usage and the exit codes', () => {
    // Act
    const result = npx(['lk-notify', '--help']);
    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('lk-notify failover  --vip <ip>');
    expect(result.stdout).toMatch(/3 no usable signing key/);
  });

  it('npx routekeeper doctor --help prints the usage and the exit codes', () => {
    // Act
    const result = npx(['routekeeper', 'doctor', '--help']);
    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Usage: routekeeper doctor');
    expect(result.stdout).toContain('Exit codes: 0 every check passed');
  });

  it.each([
    'init',
    'status',
    'switch',
    'pause',
    'resume',
    'doctor',
    'node-policy',
    'operator-policy',
  ])('routekeeper %s --help prints its usage and exit codes, and nothing else', (command) => {
    // Act: the bin as installed (the compiled bundle), one process per subcommand.
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/routekeeper.cjs'), command, '--help'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        input: '',
        timeout: 60_000,
      },
    );
    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^Usage: routekeeper ${command} `));
    expect(result.stdout).toContain('Exit codes: 0 ');
  });

  it('npx routekeeper --version prints the version', () => {
    // Act
    const result = npx(['routekeeper', '--version']);
    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^routekeeper \d+\.\d+\.\d+\n$/);
  });

  it('npx routekeeper doctor with a wrong flag prints one line and a hint, not the help', () => {
    // Act
    const result = npx(['routekeeper', 'doctor', '--josn']);
    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "routekeeper: unknown option --josn\nRun 'routekeeper doctor --help' for usage.\n",
    );
  });

  it('npx routekeeper doctor without AWS credentials says so once and exits 2, having checked nothing', () => {
    // Act
    const result = npx(
      ['routekeeper', 'doctor', '--config', join(ROOT, 'config/routekeeper.dev.json')],
      withoutCredentials(),
    );
    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'routekeeper: no AWS credentials found: set AWS_PROFILE (a profile in ~/.aws), or AWS_ACCESS_KEY_ID ' +
        'and AWS_SECRET_ACCESS_KEY, or run where an instance or task role provides them; doctor checked nothing\n',
    );
  });
});
