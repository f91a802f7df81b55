import { defineConfig } from 'vitest/config';

/** The tests that own the configuration contract, for Stryker's run on shared/config (stryker.config-files.config.mjs). */
export default defineConfig({
  test: {
    include: [
      'test/unit/shared/config/**/*.test.ts',
      'test/unit/shared/aws/key-store.test.ts',
      'test/unit/shared/domain/intake/keyring*.test.ts',
      'test/unit/serverless/stack.test.ts',
    ],
    setupFiles: ['test/support/setup-env.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
