/**
 * The suite runs on the Node major Lambda runs (serverless.yml `provider.runtime`), not on whatever Node
 * the machine has: `npm ci` installs it from the npm registry (optionalDependencies `node-linux-*`) into
 * node_modules/.bin, which npm puts first on every script's PATH. Without this check a missing binary
 * would silently run everything on the machine's Node.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../../..');

// CloudFormation's short tags (!GetAtt, !Sub...) are unknown to a plain YAML reader: not warned about.
const serverless = parse(readFileSync(resolve(ROOT, 'serverless.yml'), 'utf8'), {
  logLevel: 'error',
}) as {
  provider: { runtime: string };
  custom: { esbuild: { target: string } };
};

const lambdaMajor = (): string => {
  const match = /^nodejs(\d+)\.x$/.exec(serverless.provider.runtime);
  if (!match?.[1]) throw new Error(`unexpected runtime ${serverless.provider.runtime}`);
  return match[1];
};

describe('the Node the suite runs on', () => {
  it('is the Lambda runtime major: nodejs24.x', () => {
    // Act
    const major = process.versions.node.split('.')[0];
    // Assess
    expect(serverless.provider.runtime).toBe('nodejs24.x');
    expect(major).toBe(lambdaMajor());
  });

  it('is the one `node` on the PATH of every process a test or script starts', () => {
    // Act
    const child = spawnSync('node', ['--version'], { encoding: 'utf8' });
    // Assess
    expect(child.stdout.trim()).toBe(process.version);
  });

  it('is what the functions are compiled for', () => {
    // Assess
    expect(serverless.custom.esbuild.target).toBe(`node${lambdaMajor()}`);
  });
});
