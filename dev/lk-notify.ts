import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '..');

/**
 * lk-notify as a node runs it: the single-file bundle, built with the same options as
 * `npm run build:lk-notify`, in a directory with no node_modules, run by plain `node`.
 */
export const buildBundle = async (): Promise<string> => {
  const dir = mkdtempSync(join(tmpdir(), 'lk-notify-bundle-'));
  const outfile = join(dir, 'lk-notify.cjs');
  await build({
    entryPoints: [join(ROOT, 'cli/lk-notify/bin.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'none',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
};

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Run a Node.js script as a process with a clean environment: credentials for the emulator, never the real
 * metadata service. Killed after `timeoutMs` (the caller then fails on the code).
 */
export const runNodeScript = (
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
  options: { readonly cwd?: string; readonly timeoutMs?: number } = {},
): Promise<ProcessResult> =>
  new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd ?? tmpdir(),
      env: {
        PATH: process.env.PATH ?? '',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Date.now() - started });
    });
  });

/** Run the lk-notify bundle as a node would, from a directory with no node_modules. */
export const runBundle = (
  bundle: string,
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ProcessResult> => runNodeScript(bundle, args, env, { timeoutMs });
