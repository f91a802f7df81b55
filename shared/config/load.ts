import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigError, parseConfig, type RoutekeeperConfig } from './schema';

/** The one environment variable that points routekeeper at a configuration file. */
export const CONFIG_ENV = 'ROUTEKEEPER_CONFIG';

/** The configuration file of a stage, relative to the project (and to the Lambda task root). */
export const stageConfigPath = (stage: string): string => `config/routekeeper.${stage}.json`;

/** Read and validate a configuration file; every problem is reported with the file and the field. */
export const loadConfigFile = (path: string, base = process.cwd()): RoutekeeperConfig => {
  const absolute = isAbsolute(path) ? path : resolve(base, path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(
        `configuration file ${absolute} does not exist. Create it from the example and put your ids in:\n` +
          `  cp ${EXAMPLE_CONFIG} ${relative(process.cwd(), absolute) || absolute}\n` +
          '(README, "Configuration", says what each field means)',
        ['file not found'],
      );
    }
    throw new ConfigError(
      `cannot read configuration file ${absolute}: ${(error as Error).message}`,
      ['file not readable'],
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `configuration file ${absolute} is not valid JSON: ${jsonSyntaxError(text, error as Error)}`,
      ['invalid JSON'],
    );
  }
  return parseConfig(raw, `configuration file ${absolute}`);
};

/** The documented example every stage's file starts from. */
const EXAMPLE_CONFIG = stageConfigPath('dev');

/**
 * JSON.parse's complaint with the line and column it happened at, and that line with a caret under the
 * place (V8 gives a character offset, and none at all when the text ends too early).
 */
export const jsonSyntaxError = (text: string, error: Error): string => {
  const offset = Number(/at position (\d+)/.exec(error.message)?.[1] ?? text.length);
  const reason = error.message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/^Unexpected end of JSON input$/, 'the text ends too early');
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const column = (before.at(-1)?.length ?? 0) + 1;
  const source = text.split('\n')[line - 1] ?? '';
  return `line ${line}, column ${column}: ${reason}\n  ${source}\n  ${' '.repeat(column - 1)}^`;
};

/** The configuration named by ROUTEKEEPER_CONFIG (or the given fallback path). */
export const loadConfigFromEnv = (
  env: NodeJS.ProcessEnv = process.env,
  fallback?: string,
): RoutekeeperConfig => {
  const path = env[CONFIG_ENV] ?? fallback;
  if (!path) {
    throw new ConfigError(
      `${CONFIG_ENV} is not set: point it at a routekeeper configuration file`,
      [`${CONFIG_ENV} missing`],
    );
  }
  return loadConfigFile(path, configBase(env));
};

/**
 * What a relative ROUTEKEEPER_CONFIG is relative to: the task root in Lambda (where the file is packaged);
 * under `serverless invoke local` (IS_LOCAL), which sets a fake LAMBDA_TASK_ROOT (/var/task) and runs the
 * bundle from `.esbuild/.build`, the directory the command was started in (PWD): the project.
 */
export const configBase = (env: NodeJS.ProcessEnv = process.env): string =>
  env.IS_LOCAL === 'true' ? (env.PWD ?? process.cwd()) : (env.LAMBDA_TASK_ROOT ?? process.cwd());
