/**
 * The package's command-line tools as a user on a fresh clone runs them after `npm ci`: through npx,
 * as real processes (lk-notify is an npm workspace, routekeeper the root package's bin).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

const npx = (...args: string[]) =>
  spawnSync('npx', ['--no-install', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: '',
    timeout: 60_000,
  });

describe('command-line tools through npx', () => {
  it('npx lk-notify --help prints the usage and the exit codes', () => {
    // Act
    const result = npx('lk-notify', '--help');
    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('lk-notify failover  --vip <ip>');
    expect(result.stdout).toMatch(/3 no usable signing key/);
  });

  it('npx routekeeper doctor --help prints the usage and the exit codes', () => {
    // Act
    const result = npx('routekeeper', 'doctor', '--help');
    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Usage: routekeeper doctor');
    expect(result.stdout).toContain('Exit codes: 0 every check passed');
  });
});
