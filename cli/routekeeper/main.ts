import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { CONFIG_ENV, loadConfigFile, stageConfigPath } from '../../shared/config/load';
import { ConfigError } from '../../shared/config/schema';
import { runUntil } from '../../shared/core/stop';
import { runDoctor } from '../../shared/domain/checks/doctor';
import { selectClusters } from '../../shared/domain/checks/run';
import { summarise } from '../../shared/domain/checks/types';
import { formatText, toJson } from './format';
import { nodePolicyCommand } from './node-policy';

/** Long enough for a few hundred route tables on a slow link; a stalled endpoint cannot hold the doctor longer. */
export const DEFAULT_TIMEOUT_SECONDS = 120;

export const USAGE = `Usage: routekeeper doctor [options]
       routekeeper --version

Checks every condition the LifeKeeper route-table scenario needs (Direct Connect -> Transit Gateway ->
VPC route tables -> node ENIs) once, read-only, and prints a report grouped along the traffic path:
✓ pass, ✗ fail, ? unknown (could not be determined), each with its evidence and a one-line fix.

Options:
  --config <file>       configuration file (default: $${CONFIG_ENV}, else config/routekeeper.<stage>.json)
  --stage <stage>       stage whose configuration and state table to use (default: dev)
  --cluster <name>      check only this cluster
  --state-table <name>  routekeeper's state table (default: $STATE_TABLE, else routekeeper-<stage>-state)
  --liveness-table <name>  node liveness table (default: $LIVENESS_TABLE, else routekeeper-<stage>-liveness)
  --json                print the report as JSON on stdout (format: docs/operations.md)
  --no-probes           skip the DryRun permission probes of ReplaceRoute / ReplaceTransitGatewayRoute
  --quiet               no progress output on stderr
  --timeout <seconds>   stop after this long, whatever AWS does (default ${DEFAULT_TIMEOUT_SECONDS}; each AWS call
                        also gives up after 2 s to connect, 5 s to answer, 3 attempts)
  -h, --help            show this help
  --version             print routekeeper's version

Exit codes: 0 every check passed, 1 at least one check failed, 2 usage or configuration error,
3 nothing failed but some checks are unknown (not verified), 4 not finished within --timeout.
Progress goes to stderr; the report to stdout.
Also: routekeeper node-policy --node <name> prints a node role's IAM policy (--help for more).
AWS credentials and region come from the usual AWS SDK sources; AWS_ENDPOINT_URL points at an emulator.
`;

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
};

/** A usage error: one line saying what is wrong, one line saying where the help is; exit code 2. */
const usageError = (io: Io, problem: string, command = ''): number => {
  io.err(
    `routekeeper: ${problem}\nRun 'routekeeper ${command ? `${command} ` : ''}--help' for usage.\n`,
  );
  return 2;
};

/** parseArgs' messages go on about positionals: keep the part that says what is wrong. */
const parseProblem = (error: Error & { code?: string }): string => {
  const option = /'(-[^']*)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  return (error.message.split('. ')[0] ?? error.message).replace(/\.$/, '');
};

/** `routekeeper <command>`: returns the exit code. */
export const main = async (argv: readonly string[], io: Io = processIo): Promise<number> => {
  if (argv[0] === 'node-policy') return nodePolicyCommand(argv.slice(1), io);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return usageError(io, parseProblem(error as Error), argv[0] === 'doctor' ? 'doctor' : '');
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(`routekeeper ${version}\n`);
    return 0;
  }
  // No command at all is a question, not a mistake: the answer is the help.
  if (values.help || positionals.length === 0) {
    io.out(USAGE);
    return 0;
  }
  if (positionals[0] !== 'doctor' || positionals.length > 1) {
    return usageError(io, `unknown command "${positionals.join(' ')}"`);
  }
  const timeoutSeconds = Number(values.timeout ?? DEFAULT_TIMEOUT_SECONDS);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 3_600) {
    return usageError(io, '--timeout must be a whole number of seconds from 1 to 3600', 'doctor');
  }
  const stage = values.stage ?? 'dev';
  let config: ReturnType<typeof loadConfigFile>;
  try {
    config = loadConfigFile(values.config ?? io.env[CONFIG_ENV] ?? stageConfigPath(stage));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`routekeeper: ${error.message}\n`);
    return 2;
  }
  const clusters = selectClusters(config, values.cluster);
  if (clusters.length === 0) {
    io.err(`routekeeper: cluster "${values.cluster}" is not configured\n`);
    return 2;
  }
  const progress = values.quiet ? () => undefined : (m: string) => io.err(`doctor: ${m}\n`);
  // The SDK loads only when a command talks to AWS: `--help` and usage errors start at once.
  const { buildDoctorDeps, missingCredentials } = await import('./deps');
  const noCredentials = await missingCredentials({ region: clusters[0]?.region });
  if (noCredentials !== undefined) {
    io.err(`routekeeper: ${noCredentials}; doctor checked nothing\n`);
    return 2;
  }
  const deps = buildDoctorDeps({
    config,
    stateTable: values['state-table'] ?? io.env.STATE_TABLE ?? `routekeeper-${stage}-state`,
    livenessTable:
      values['liveness-table'] ?? io.env.LIVENESS_TABLE ?? `routekeeper-${stage}-liveness`,
    probes: !values['no-probes'],
    progress,
  });
  const stop = AbortSignal.timeout(timeoutSeconds * 1_000);
  let report: Awaited<ReturnType<typeof runDoctor>>;
  try {
    report = await runUntil(stop, () => runDoctor(deps, clusters));
  } catch (error) {
    if (!stop.aborted) throw error;
    io.err(
      `routekeeper: doctor did not finish within ${timeoutSeconds} s (--timeout): AWS did not answer in time; ` +
        'check the network path and credentials, or allow more time with --timeout\n',
    );
    return 4;
  }
  const summary = summarise(report.reports.flatMap((r) => r.results));
  // An unknown check is not verified, so it is never reported as all clear.
  const exitCode = summary.fail > 0 ? 1 : summary.unknown > 0 ? 3 : 0;
  io.out(
    values.json
      ? `${JSON.stringify(toJson(report, exitCode), null, 2)}\n`
      : formatText(report, clusters, !values['no-probes']),
  );
  return exitCode;
};

const parse = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      stage: { type: 'string' },
      cluster: { type: 'string' },
      'state-table': { type: 'string' },
      'liveness-table': { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-probes': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', default: false },
    },
  });
