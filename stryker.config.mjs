/**
 * Mutation testing of the guard modules (`npm run mutation`; slow, so not part of `npm test`): signature
 * checks, keyring, fence and switch, the IAM and bus-policy builder. The configuration contract has its own run
 * (stryker.config-files.config.mjs). The per-file summary of both lands in bench/results/mutation.json
 * (scripts/mutation-summary.ts).
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  mutate: [
    'shared/domain/intake/signing.ts',
    'shared/domain/intake/keyring.ts',
    'shared/domain/intake/check.ts',
    'shared/domain/switch/fence.ts',
    'shared/domain/switch/switch-route.ts',
    'shared/domain/switch/converge.ts',
    'serverless/stack.ts',
  ],
  reporters: ['clear-text', 'json', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  concurrency: 2,
  timeoutMS: 30_000,
  tempDirName: '.stryker-tmp',
  // Neither run copies the other's sandboxes, nor build output.
  ignorePatterns: ['/.stryker-tmp*', '/dist', '/.serverless', '/.esbuild'],
  thresholds: { high: 90, low: 80, break: null },
};
