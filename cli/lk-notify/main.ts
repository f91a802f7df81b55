import { version } from '../../package.json';
import type { Io } from './context';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { notify } from './notify';
import { HELP, parseOptions } from './options';
import { selftest } from './selftest';

/** The whole CLI behind one function: arguments in, exit code out (docs: lk-notify --help). */
export const run = async (argv: readonly string[], io: Io): Promise<ExitCode> => {
  try {
    const options = parseOptions(argv, io.env);
    if (options.command === 'help') {
      io.out(HELP);
      return EXIT.OK;
    }
    if (options.command === 'version') {
      io.out(`lk-notify ${version}\n`);
      return EXIT.OK;
    }
    return options.command === 'selftest' ? await selftest(options, io) : await notify(options, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`lk-notify: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(`lk-notify: internal error: ${(error as Error).message}\n`);
    return EXIT.INTERNAL;
  }
};
