import { createInterface } from 'node:readline/promises';
import { CONFIG_ENV, loadConfigFile, stageConfigPath } from '../../shared/config/load';
import {
  type ClusterConfig,
  ConfigError,
  type RoutekeeperConfig,
} from '../../shared/config/schema';
import { AwsCallError } from '../../shared/core/errors';
import { runUntil } from '../../shared/core/stop';
import { selectClusters } from '../../shared/domain/checks/run';

/** What a subcommand talks to: stdout, stderr, the environment and, for prompts, stdin. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** A terminal is attached (prompts and confirmations are possible). */
  readonly interactive?: boolean;
  /** Ask one question on the terminal; absent when no terminal is attached. */
  readonly ask?: (question: string) => Promise<string>;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
  ask: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
};

export type Command = (argv: readonly string[], io: Io) => Promise<number>;

/** Exit codes every subcommand shares (each documents its own 1 and 3). */
export const EXIT = { ok: 0, failed: 1, usage: 2, timeout: 4 } as const;

/** A command-line mistake: exit 2 with one line saying what is wrong and where the help is. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A usage error: one line saying what is wrong, one line saying where the help is; exit code 2. */
export const usageError = (io: Io, problem: string, command = ''): number => {
  io.err(
    `routekeeper: ${problem}\nRun 'routekeeper ${command ? `${command} ` : ''}--help' for usage.\n`,
  );
  return EXIT.usage;
};

/** parseArgs' messages go on about positionals: keep the part that says what is wrong. */
const parseProblem = (error: Error & { code?: string }): string => {
  const option = /'(-[^']*)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  return (error.message.split('. ')[0] ?? error.message).replace(/\.$/, '');
};

/**
 * The options every subcommand that works on the configured clusters takes (doctor, status, switch,
 * pause, resume): which configuration, which cluster, the state table, JSON output, --timeout, --help.
 */
export const CLUSTER_COMMAND_OPTIONS = {
  config: { type: 'string' },
  stage: { type: 'string' },
  cluster: { type: 'string' },
  'state-table': { type: 'string' },
  json: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const DEFAULT_TIMEOUT_SECONDS = 120;

export const TIMEOUT_HELP = `  --timeout <seconds>   stop after this long, whatever AWS does (default ${DEFAULT_TIMEOUT_SECONDS}; each AWS call
                        also gives up after 2 s to connect, 5 s to answer, 3 attempts)`;

export const CONFIG_HELP = `  --config <file>       configuration file (default: $${CONFIG_ENV}, else config/routekeeper.<stage>.json)
  --stage <stage>       stage whose configuration and tables to use (default: dev)`;

export const TABLES_HELP = `  --state-table <name>  routekeeper's state table (default: $STATE_TABLE, else routekeeper-<stage>-state)`;

export const parseTimeout = (text: string | undefined): number => {
  const seconds = Number(text ?? DEFAULT_TIMEOUT_SECONDS);
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds > 3_600) {
    throw new UsageError('--timeout must be a whole number of seconds from 1 to 3600');
  }
  return seconds;
};

export const loadConfig = (
  values: { config?: string | undefined; stage?: string | undefined },
  env: NodeJS.ProcessEnv,
): RoutekeeperConfig =>
  loadConfigFile(values.config ?? env[CONFIG_ENV] ?? stageConfigPath(values.stage ?? 'dev'));

export const stateTableName = (
  values: { 'state-table'?: string | undefined; stage?: string | undefined },
  env: NodeJS.ProcessEnv,
): string =>
  values['state-table'] ?? env.STATE_TABLE ?? `routekeeper-${values.stage ?? 'dev'}-state`;

export const livenessTableName = (
  values: { 'liveness-table'?: string | undefined; stage?: string | undefined },
  env: NodeJS.ProcessEnv,
): string =>
  values['liveness-table'] ?? env.LIVENESS_TABLE ?? `routekeeper-${values.stage ?? 'dev'}-liveness`;

/**
 * Run a subcommand: parse its arguments (a parse error is a usage error), answer --help, then run the body
 * under --timeout. Usage and configuration errors exit 2 (message, then usage), work that outlives
 * --timeout exits 4, an AWS error that ends the command exits 1. Anything else is a fault and propagates.
 */
export const runCommand = async <V extends { help?: boolean; timeout?: string }>(
  name: string,
  usage: string,
  io: Io,
  parse: () => V,
  body: (values: V) => Promise<number>,
): Promise<number> => {
  let stop: AbortSignal | undefined;
  let seconds = 0;
  try {
    let values: V;
    try {
      values = parse();
    } catch (error) {
      throw new UsageError(parseProblem(error as Error));
    }
    if (values.help) {
      io.out(usage);
      return EXIT.ok;
    }
    seconds = parseTimeout(values.timeout);
    const signal = AbortSignal.timeout(seconds * 1_000);
    stop = signal;
    return await runUntil(signal, () => body(values));
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, error.message, name);
    if (error instanceof ConfigError) {
      io.err(`routekeeper ${name}: ${error.message}\n`);
      return EXIT.usage;
    }
    if (stop?.aborted) {
      io.err(
        `routekeeper: ${name} did not finish within ${seconds} s (--timeout): AWS did not answer in time; ` +
          'check the network path and credentials, or allow more time with --timeout\n',
      );
      return EXIT.timeout;
    }
    if (error instanceof AwsCallError) {
      io.err(`routekeeper ${name}: ${error.code}: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
};

/**
 * Ask before a change unless --yes. Without a terminal there is nobody to ask: refuse, naming --yes.
 */
export const confirm = async (io: Io, question: string, yes: boolean): Promise<boolean> => {
  if (yes) return true;
  if (!io.interactive || io.ask === undefined) {
    throw new UsageError('no terminal to confirm on: pass --yes to proceed without confirmation');
  }
  const answer = await io.ask(`${question} [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
};

/** One structured audit line on stderr (the CLI's log), e.g. for an operator switch or a pause. */
export const auditLine = (io: Io, message: string, fields: Record<string, unknown>): void => {
  io.err(
    `${JSON.stringify({ level: 'INFO', timestamp: new Date().toISOString(), message, ...fields })}\n`,
  );
};

/**
 * The configured clusters a reporting command covers: every one, or the one `--cluster` names (a usage
 * error when that one is not configured).
 */
export const configuredClusters = (
  values: { config?: string | undefined; stage?: string | undefined; cluster?: string | undefined },
  env: NodeJS.ProcessEnv,
): { readonly config: RoutekeeperConfig; readonly clusters: ClusterConfig[] } => {
  const config = loadConfig(values, env);
  const clusters = selectClusters(config, values.cluster);
  if (clusters.length === 0) throw new UsageError(`cluster "${values.cluster}" is not configured`);
  return { config, clusters };
};

/** The configured cluster (and VIP) a command names, or a usage error naming what is not configured. */
export const findCluster = (config: RoutekeeperConfig, name: string | undefined) => {
  if (name === undefined) throw new UsageError('--cluster is required');
  const cluster = config.clusters.find((c) => c.name === name);
  if (cluster === undefined) throw new UsageError(`cluster "${name}" is not configured`);
  return cluster;
};
