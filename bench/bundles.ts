import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

export const packageFunctions = (outDir: string): void => {
  const result = spawnSync(
    join(ROOT, 'node_modules/.bin/serverless'),
    ['package', '--stage', 'dev', '--package', outDir],
    {
      cwd: ROOT,
      input: '',
      encoding: 'utf8',
      env: { ...process.env, AWS_ENDPOINT_URL: '' },
    },
  );
  if (result.status !== 0)
    throw new Error(`serverless package failed:\n${result.stdout}\n${result.stderr}`);
};

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

export const measureBundles = (env: NodeJS.ProcessEnv, runs = 10): BundleRow[] => {
  const outDir = mkdtempSync(join(tmpdir(), 'routekeeper-bench-package-'));
  packageFunctions(outDir);
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
