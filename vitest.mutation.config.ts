import { defineConfig } from 'vitest/config';

/** The unit project alone, for Stryker (`npm run mutation`): no emulator, no network. */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    setupFiles: ['test/support/setup-env.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
