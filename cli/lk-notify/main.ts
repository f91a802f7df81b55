import { version } from '../../package.json';
import type { Io } from './context';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { notify } from './notify';
import { HELP, type Options, parseOptions } from './options';
import { openRunLog } from './run-log';
import { selftest } from './selftest';

const execute = async (options: Options, io: Io): Promise<ExitCode> =>
  options.command === 'selftest' ? await selftest(options, io) : await notify(options, io);

const report = (error: unknown, io: Io): ExitCode => {
  if (error instanceof CliError) {
    io.err(`lk-notify: ${error.message}\n`);
    return error.exitCode;
  }
  io.err(`lk-notify: internal error: ${(error as Error).message}\n`);
  return EXIT.INTERNAL;
};

/** The whole CLI behind one function: arguments in, exit code out (docs: lk-notify --help). */
export const run = async (argv: readonly string[], io: Io): Promise<ExitCode> => {
  let options: Options;
  try {
    options = parseOptions(argv, io.env);
  } catch (error) {
    return report(error, io);
  }
  if (options.command === 'help') {
    io.out(HELP);
    return EXIT.OK;
  }
  if (options.command === 'version') {
    io.out(`lk-notify ${version}\n`);
    return EXIT.OK;
  }
  const what = [options.command, ...options.vips, ...(options.wait ? ['--wait'] : [])].join(' ');
  const log = options.logFile
    ? openRunLog(io, options.logFile, options.logMaxBytes, what)
    : undefined;
  const runIo = log?.io ?? io;
  let code: ExitCode;
  try {
    code = await execute(options, runIo);
  } catch (error) {
    code = report(error, runIo);
  }
  log?.close(code);
  return code;
};
