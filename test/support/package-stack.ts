import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The project root: where serverless.yml lives. */
export const ROOT = resolve(__dirname, '../..');

export const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';

/** The real `serverless package` (osls + serverless-esbuild) as a process, with no AWS credentials. */
export const packageStack = (
  outDir: string,
  env: Record<string, string> = {},
  extraArgs: string[] = [],
): SpawnSyncReturns<string> => {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: mkdtempSync(join(tmpdir(), 'sls-home-')),
    ...env,
  };
  for (const name of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_ENDPOINT_URL',
  ]) {
    delete childEnv[name];
  }
  return spawnSync(
    join(ROOT, 'node_modules/.bin/serverless'),
    ['package', '--stage', 'dev', '--package', outDir, ...extraArgs],
    { cwd: ROOT, env: childEnv, input: '', encoding: 'utf8', timeout: 180_000 },
  );
};

/** Package the dev stage into a fresh directory and return the CloudFormation template (throws on failure). */
export const packagedTemplate = <T>(
  env: Record<string, string> = {},
  extraArgs: string[] = [],
): { outDir: string; template: T } => {
  const outDir = mkdtempSync(join(tmpdir(), 'routekeeper-package-'));
  const result = packageStack(outDir, env, extraArgs);
  if (result.status !== 0) {
    throw new Error(`serverless package failed:\n${result.stdout}\n${result.stderr}`);
  }
  return { outDir, template: JSON.parse(readFileSync(join(outDir, TEMPLATE_FILE), 'utf8')) as T };
};
