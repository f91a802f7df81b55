import { resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '..');

/** Where `routekeeper` (bin/routekeeper.cjs) runs from. */
export const CLI_BUNDLE = resolve(ROOT, 'dist/routekeeper.cjs');

/**
 * The `routekeeper` command as one CommonJS file: everything cli/routekeeper/bin.ts reaches (every
 * subcommand main.ts dispatches, the SDK's tree-shaken ES sources), compiled for the Lambda runtime's
 * Node. Runs as `prepare` after `npm ci`, as `npm run build`, and before the integration tests.
 */
export const buildCli = async (): Promise<string> => {
  await build({
    entryPoints: [resolve(ROOT, 'cli/routekeeper/bin.ts')],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    mainFields: ['module', 'main'],
    minifySyntax: true,
    minifyWhitespace: true,
    keepNames: true,
    legalComments: 'none',
    outfile: CLI_BUNDLE,
    logLevel: 'warning',
  });
  return CLI_BUNDLE;
};

if (require.main === module) {
  buildCli().then(
    (file) => process.stdout.write(`built ${file}\n`),
    (error: unknown) => {
      process.stderr.write(`build failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
