/**
 * Mutation testing of the configuration contract (part of `npm run mutation`). The schema is declared at module
 * load, so its mutants are static: Stryker cannot tell which test covers them and reruns every test for each.
 * Here they are measured against the tests that own the contract (the configuration and key-store tests and
 * the packaging checks), so static mutants count instead of being ignored.
 */
import base from './stryker.config.mjs';

export default {
  ...base,
  vitest: { configFile: 'vitest.mutation-config.config.ts' },
  mutate: ['shared/config/schema.ts', 'shared/config/keys.ts'],
  jsonReporter: { fileName: 'reports/mutation/config.json' },
  tempDirName: '.stryker-tmp-config',
  concurrency: 2,
};
