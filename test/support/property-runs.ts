/**
 * How many cases a property test runs: its own default in `npm test`, fewer under mutation testing
 * (vitest.mutation.config.ts sets PROPERTY_RUNS), where every surviving mutant reruns the covering tests.
 */
export const propertyRuns = (fallback: number): number => {
  const fromEnv = Number(process.env.PROPERTY_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? Math.min(fromEnv, fallback) : fallback;
};
