import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (no network; SDK clients mocked) and `integration` (a real moto_server on
 * loopback, started by test/support/global-moto.ts). `npm test` runs both: unit first, then integration
 * alone (groupOrder). Run side by side on a 2-core machine, the unit project's property tests took the
 * CPU the fault suite's compressed invocation timeouts are budgeted on.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
          // Property tests run thousands of cases: a loaded 2-core CI machine must not time them out.
          testTimeout: 30_000,
          setupFiles: ['test/support/setup-env.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          setupFiles: ['test/support/setup-env.ts'],
          globalSetup: [
            'test/support/global-build.ts',
            'test/support/global-package.ts',
            'test/support/global-moto.ts',
          ],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
