import { parseArgs } from 'node:util';
import { runDoctor } from '../../shared/domain/checks/doctor';
import { summarise } from '../../shared/domain/checks/types';
import {
  CLUSTER_COMMAND_OPTIONS,
  CONFIG_HELP,
  type Command,
  configuredClusters,
  DEFAULT_TIMEOUT_SECONDS,
  EXIT,
  livenessTableName,
  runCommand,
  stateTableName,
  TABLES_HELP,
  TIMEOUT_HELP,
} from './common';
import { formatText, toJson } from './format';

export { DEFAULT_TIMEOUT_SECONDS };

export const USAGE = `Usage: routekeeper doctor [options]

Checks every condition the LifeKeeper route-table scenario needs (Direct Connect -> Transit Gateway ->
VPC route tables -> node ENIs) once, read-only, and prints a report grouped along the traffic path:
✓ pass, ✗ fail, ? unknown (could not be determined), each with its evidence and a one-line fix.

Options:
${CONFIG_HELP}
  --cluster <name>      check only this cluster
${TABLES_HELP}
  --liveness-table <name>  node liveness table (default: $LIVENESS_TABLE, else routekeeper-<stage>-liveness)
  --json                print the report as JSON on stdout (format: docs/operations.md)
  --no-probes           skip the DryRun permission probes of ReplaceRoute / ReplaceTransitGatewayRoute
  --quiet               no progress output on stderr
${TIMEOUT_HELP}
  -h, --help            show this help

Exit codes: 0 every check passed, 1 at least one check failed, 2 usage or configuration error,
3 nothing failed but some checks are unknown (not verified), 4 not finished within --timeout.
Progress goes to stderr; the report to stdout.
AWS credentials and region come from the usual AWS SDK sources; AWS_ENDPOINT_URL points at an emulator.
`;

const parse = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    allowPositionals: false,
    options: {
      ...CLUSTER_COMMAND_OPTIONS,
      'liveness-table': { type: 'string' },
      'no-probes': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  }).values;

/** `routekeeper doctor`: every check once, read-only. */
export const doctor: Command = (argv, io) =>
  runCommand(
    'doctor',
    USAGE,
    io,
    () => parse(argv),
    async (options) => {
      const { config, clusters } = configuredClusters(options, io.env);
      const progress = options.quiet ? () => undefined : (m: string) => io.err(`doctor: ${m}\n`);
      // The SDK loads only when the command talks to AWS: `--help` and usage errors start at once.
      const { buildDoctorDeps, missingCredentials } = await import('./deps');
      const noCredentials = await missingCredentials({ region: clusters[0]?.region });
      if (noCredentials !== undefined) {
        io.err(`routekeeper: ${noCredentials}; doctor checked nothing\n`);
        return EXIT.usage;
      }
      const deps = buildDoctorDeps({
        config,
        stateTable: stateTableName(options, io.env),
        livenessTable: livenessTableName(options, io.env),
        probes: !options['no-probes'],
        progress,
      });
      const report = await runDoctor(deps, clusters);
      const summary = summarise(report.reports.flatMap((r) => r.results));
      // An unknown check is not verified, so it is never reported as all clear.
      const exitCode = summary.fail > 0 ? 1 : summary.unknown > 0 ? 3 : 0;
      io.out(
        options.json
          ? `${JSON.stringify(toJson(report, exitCode), null, 2)}\n`
          : formatText(report, clusters, !options['no-probes']),
      );
      return exitCode;
    },
  );
