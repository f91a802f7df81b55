/** Read a required environment variable once, at cold start; fail with its name. */
export const requireEnv = (name: string, env: NodeJS.ProcessEnv = process.env): string => {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
};

/** An optional positive integer setting with a default, e.g. a time budget in milliseconds. */
export const intEnv = (
  name: string,
  fallback: number,
  env: NodeJS.ProcessEnv = process.env,
): number => {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new Error(`environment variable ${name} must be a positive integer, got "${value}"`);
  }
  return parsed;
};
