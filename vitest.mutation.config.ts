import { defineConfig } from 'vitest/config';

/** The unit project alone, for Stryker (`npm run mutation`): no emulator, no network. */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    // The functions' wiring tests wait out real stalls (seconds each) and guard the timeouts, not the domain:
    // rerun for every mutant they cover, they would triple the run.
    exclude: ['test/unit/functions/*/deps.test.ts'],
    setupFiles: ['test/support/setup-env.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // Property tests run a tenth of their cases: each mutant reruns the tests that cover it.
    env: { PROPERTY_RUNS: '100' },
  },
});
