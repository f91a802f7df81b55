import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLkNotify } from './lk-notify-sea';

/**
 * lk-notify as a node runs it: the single-file bundle, built by the same code as
 * `npm run build:lk-notify`, in a directory with no node_modules, run by plain `node`.
 */
export const buildBundle = async (): Promise<string> => {
  const outfile = join(mkdtempSync(join(tmpdir(), 'lk-notify-bundle-')), 'lk-notify.cjs');
  await bundleLkNotify(outfile);
  return outfile;
};

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Run a program as a process with a clean environment: credentials for the emulator, never the real
 * metadata service. Killed after `timeoutMs` (the caller then fails on the code).
 */
export const runProcess = (
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
  options: { readonly cwd?: string; readonly timeoutMs?: number } = {},
): Promise<ProcessResult> =>
  new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn(command, [...args], {
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

/** A Node.js script under the running node. */
export const runNodeScript = (
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
  options: { readonly cwd?: string; readonly timeoutMs?: number } = {},
): Promise<ProcessResult> => runProcess(process.execPath, [script, ...args], env, options);

/** Run the lk-notify bundle as a node would, from a directory with no node_modules. */
export const runBundle = (
  bundle: string,
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ProcessResult> => runNodeScript(bundle, args, env, { timeoutMs });
