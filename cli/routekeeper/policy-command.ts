import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { ConfigError, type RoutekeeperConfig } from '../../shared/config/schema';
import { type Io, loadConfig, UsageError } from './common';

export interface PolicyCommandSpec {
  readonly usage: string;
  /** The command's own options; --config, --stage and --help are added. */
  readonly options: ParseArgsOptionsConfig;
  /**
   * The builder's own error class: its message is one line on stderr and exit 2. A UsageError thrown by
   * build is followed by the usage.
   */
  readonly refusal: new (
    ...args: never[]
  ) => Error;
  readonly build: (
    config: RoutekeeperConfig,
    stage: string,
    option: (name: string) => string | undefined,
  ) => unknown;
}

/**
 * What every policy printer does (`node-policy`, `operator-policy`): parse the options, answer --help, load
 * the stage's configuration, print the policy as JSON (exit 0). A usage or configuration error, or the
 * builder's refusal, is one line on stderr (with the usage for a usage error) and exit 2. No AWS call.
 */
export const policyCommand =
  (spec: PolicyCommandSpec) =>
  (argv: readonly string[], io: Io): number => {
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args: [...argv],
        options: {
          ...spec.options,
          config: { type: 'string' },
          stage: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      }));
    } catch (error) {
      io.err(`routekeeper: ${(error as Error).message}\n\n${spec.usage}`);
      return 2;
    }
    if (values.help) {
      io.out(spec.usage);
      return 0;
    }
    const option = (name: string) => {
      const value = values[name];
      return typeof value === 'string' ? value : undefined;
    };
    const stage = option('stage') ?? 'dev';
    try {
      const config = loadConfig({ config: option('config'), stage }, io.env);
      io.out(`${JSON.stringify(spec.build(config, stage, option), null, 2)}\n`);
      return 0;
    } catch (error) {
      if (error instanceof UsageError) {
        io.err(`routekeeper: ${error.message}\n\n${spec.usage}`);
        return 2;
      }
      if (!(error instanceof ConfigError || error instanceof spec.refusal)) throw error;
      io.err(`routekeeper: ${error.message}\n`);
      return 2;
    }
  };
