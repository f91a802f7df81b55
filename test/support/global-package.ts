import { packageStack } from '../../dev/local-stack';

/**
 * The stack packaged once per integration run (`serverless package --stage dev` into .routekeeper/package/, skipped
 * when a hash of its sources matches the last package): the tests deploy this package to the emulator
 * (dev/local-stack.ts) instead of restating its tables, bus and rules.
 */
export default async function setup() {
  const started = Date.now();
  const { dir, packaged } = await packageStack();
  process.stdout.write(
    `[integration] ${packaged ? `packaged the stack in ${Math.round((Date.now() - started) / 1000)} s` : 'the package is up to date'}: ${dir}\n`,
  );
}
