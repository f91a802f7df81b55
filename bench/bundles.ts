import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageStack } from '../dev/local-stack';
import { median } from './stats';

/**
 * Part (c): each function's packaged artifact (the zip `serverless package` builds) and its cold import
 * time: a fresh `node` process requiring the unzipped entry, median of 10, timed inside the process.
 */
export interface BundleRow {
  readonly fn: string;
  readonly zipBytes: number;
  readonly jsBytes: number;
  readonly coldImportMs: number;
}

const ROOT = resolve(__dirname, '..');

const findEntry = (dir: string): string => {
  const walk = (at: string): string | undefined => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) {
        const found = walk(path);
        if (found) return found;
      } else if (name === 'lambda.js') return path;
    }
    return undefined;
  };
  const entry = walk(dir);
  if (!entry) throw new Error(`no lambda.js in ${dir}`);
  return entry;
};

const importOnce = (entry: string, cwd: string, env: NodeJS.ProcessEnv): number => {
  const script = `const t=performance.now();require(${JSON.stringify(entry)});process.stdout.write(String(performance.now()-t))`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cold import of ${entry} failed: ${result.stderr}`);
  return Number(result.stdout);
};

/** The zips of `serverless package --stage dev` (the package `npm run local` and the tests deploy, cached). */
export const measureBundles = async (env: NodeJS.ProcessEnv, runs = 10): Promise<BundleRow[]> => {
  const { dir: outDir } = await packageStack();
  return readdirSync(outDir)
    .filter((name) => name.endsWith('.zip'))
    .sort()
    .map((zip) => {
      const fn = zip.replace(/\.zip$/, '');
      const dir = mkdtempSync(join(tmpdir(), `routekeeper-bench-${fn}-`));
      const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', join(outDir, zip), dir]);
      if (unzip.status !== 0) throw new Error(`cannot unzip ${zip}`);
      const entry = findEntry(dir);
      const samples = Array.from({ length: runs }, () =>
        importOnce(entry, dir, { ...env, LAMBDA_TASK_ROOT: dir }),
      );
      return {
        fn,
        zipBytes: statSync(join(outDir, zip)).size,
        jsBytes: statSync(entry).size,
        coldImportMs: median(samples),
      };
    });
};

/** `routekeeper doctor --help` as a person starts it: the wall time of the whole process. */
export interface CliStartRow {
  /** warm: V8's compile cache holds the bundle (every run after the first; `npm ci` warms it); cold: empty. */
  readonly cache: 'warm' | 'cold';
  readonly wallMs: number;
}

export const measureCliStart = (runs = 10): CliStartRow[] => {
  const bin = join(ROOT, 'bin/routekeeper.cjs');
  const once = (env: NodeJS.ProcessEnv) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, [bin, 'doctor', '--help'], {
      env,
      encoding: 'utf8',
      timeout: 10_000,
    });
    if (result.status !== 0) throw new Error(`routekeeper doctor --help failed: ${result.stderr}`);
    return performance.now() - started;
  };
  once(process.env); // fills the cache for the warm runs
  const warm = Array.from({ length: runs }, () => once(process.env));
  const cold = Array.from({ length: runs }, () =>
    once({ ...process.env, NODE_COMPILE_CACHE: mkdtempSync(join(tmpdir(), 'rk-compile-cache-')) }),
  );
  return [
    { cache: 'warm', wallMs: median(warm) },
    { cache: 'cold', wallMs: median(cold) },
  ];
};
