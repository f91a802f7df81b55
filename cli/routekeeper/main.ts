import { version } from '../../package.json';
import { type Command, type Io, processIo, usageError } from './common';

/**
 * Each subcommand lives in its own module, loaded when it runs (so `--version` and a subcommand's `--help`
 * start without the SDK of every other one); this table is the whole dispatch.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  init: async () => (await import('./init')).init,
  status: async () => (await import('./status')).status,
  switch: async () => (await import('./switch')).switchCommand,
  pause: async () => (await import('./pause')).pause,
  resume: async () => (await import('./pause')).resume,
  doctor: async () => (await import('./doctor')).doctor,
  'node-policy': async () => {
    const { nodePolicyCommand } = await import('./node-policy');
    return async (argv, io) => nodePolicyCommand(argv, io);
  },
  'operator-policy': async () => {
    const { operatorPolicyCommand } = await import('./operator-policy');
    return async (argv, io) => operatorPolicyCommand(argv, io);
  },
};

export const USAGE = `Usage: routekeeper <command> [options]   (routekeeper <command> --help for its options)
       routekeeper --version

Commands:
  init             discover a cluster's route tables, Transit Gateway route and node ENIs; write its configuration
  status           who owns each VIP and where every route points, at a glance (read-only)
  switch           move a VIP to another node by hand, through the same fence as a LifeKeeper claim (audited)
  pause            maintenance mode: drift reports but does not repair (LifeKeeper claims still apply)
  resume           end maintenance mode
  doctor           check every condition the route-table scenario needs, once, read-only
  node-policy      print the IAM policy a LifeKeeper node's role needs
  operator-policy  print the IAM policy the operators' role needs for these commands

Exit codes: 2 usage or configuration error, 4 not finished within --timeout; the others per command.
AWS credentials and region come from the usual AWS SDK sources; AWS_ENDPOINT_URL points at an emulator.
`;

/** `routekeeper <command>`: returns the exit code. */
export const main = async (argv: readonly string[], io: Io = processIo): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === '--version') {
    io.out(`routekeeper ${version}\n`);
    return 0;
  }
  // No command at all is a question, not a mistake: the answer is the help.
  if (name === undefined || name === '-h' || name === '--help') {
    io.out(USAGE);
    return 0;
  }
  if (name.startsWith('-')) return usageError(io, `unknown option ${name}`);
  const load = COMMANDS[name];
  if (load === undefined) return usageError(io, `unknown command "${name}"`);
  return (await load())(rest, io);
};
