import { type Command, type Io, processIo } from './common';
import { doctor } from './doctor';
import { init } from './init';
import { pause, resume } from './pause';
import { status } from './status';
import { switchCommand } from './switch';

/** Each subcommand lives in its own module; this table is the whole dispatch. */
const COMMANDS: Readonly<Record<string, Command>> = {
  init,
  status,
  switch: switchCommand,
  pause,
  resume,
  doctor,
};

export const USAGE = `Usage: routekeeper <command> [options]   (routekeeper <command> --help for its options)

Commands:
  init      discover a cluster's route tables, Transit Gateway route and node ENIs; write its configuration
  status    who owns each VIP and where every route points, at a glance (read-only)
  switch    move a VIP to another node by hand, through the same fence as a LifeKeeper claim (audited)
  pause     maintenance mode: drift reports but does not repair (LifeKeeper claims still apply)
  resume    end maintenance mode
  doctor    check every condition the route-table scenario needs, once, read-only

Exit codes: 2 usage or configuration error, 4 not finished within --timeout; the others per command.
`;

/** `routekeeper <command>`: returns the exit code. */
export const main = async (argv: readonly string[], io: Io = processIo): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === '-h' || name === '--help') {
    io.out(USAGE);
    return 0;
  }
  if (name === undefined) {
    io.err(USAGE);
    return 2;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(`routekeeper: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return command(rest, io);
};
