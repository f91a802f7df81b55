import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { NAME } from '../../shared/core/names';
import { CliError, EXIT } from './exit-codes';
import type { KeySource } from './node-keys';

export const COMMANDS = ['failover', 'heartbeat', 'selftest'] as const;
export type Command = (typeof COMMANDS)[number];

export const KEY_ENV = 'LK_NOTIFY_KEY';
export const SETTINGS_ENV = 'LK_NOTIFY_SETTINGS';

export const HELP = `lk-notify: tell routekeeper what LifeKeeper did on this node, signed (lkrc v1).

Usage:
  lk-notify failover  --vip <ip> [options]      claim a VIP: its hierarchy is in service here
  lk-notify heartbeat [--vip <ip>]... [options] report liveness and the VIPs held here (none on a standby)
  lk-notify selftest  [options]                 check what this node needs, print a report

Identity and destination (flags win over the settings file):
  --cluster <name>        routekeeper cluster name
  --node <name>           this node's name in the routekeeper configuration
  --bus <name|arn>        the routekeeper event bus
  --region <region>       default: AWS_REGION, else the instance metadata service
  --instance-id <i-...>   default: the instance metadata service
  --no-imds               never contact the instance metadata service
  --imds-endpoint <url>   default: AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://169.254.169.254
  --settings <file>       JSON settings file (default: $${SETTINGS_ENV}); keys: cluster, node, bus,
                          region, keyFile, keySecret, timeoutSeconds, imds, imdsEndpoint

Signing key (first found wins; the key itself is never printed):
  --key-file <path>       JSON key document
  $${KEY_ENV}          environment variable holding the JSON key document
  --key-secret <id>       Secrets Manager secret holding the JSON key document

Sending:
  --dry-run               print the signed PutEvents entry instead of sending it
  --timeout <seconds>     total time for every PutEvents attempt (default 20)
  -h, --help              this text
  --version               print the version

Exit codes:
  0 OK: sent and accepted, printed (--dry-run), or every selftest check passed
  1 internal error          2 usage error (flags, settings)
  3 no usable signing key   4 identity unknown (metadata service and --region both missing)
  5 not delivered in time, retryable (network, throttling, bus errors)
  6 refused for good (access denied, bus not found, malformed entry)
  7 selftest: at least one check failed
`;

const Settings = z.strictObject({
  cluster: z.string().regex(NAME).optional(),
  node: z.string().regex(NAME).optional(),
  bus: z.string().min(1).max(1600).optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
    .optional(),
  keyFile: z.string().min(1).optional(),
  keySecret: z.string().min(1).optional(),
  timeoutSeconds: z.number().int().positive().max(600).optional(),
  imds: z.boolean().optional(),
  imdsEndpoint: z.string().url().optional(),
});

export interface Options {
  readonly command: Command | 'help' | 'version';
  readonly cluster?: string;
  readonly node?: string;
  readonly bus?: string;
  readonly region?: string;
  readonly instanceId?: string;
  readonly vips: string[];
  readonly keySource?: KeySource;
  readonly dryRun: boolean;
  readonly timeoutMs: number;
  readonly imds: boolean;
  readonly imdsEndpoint?: string;
}

const usage = (message: string) => new CliError(`${message} (see lk-notify --help)`, EXIT.USAGE);

const readSettings = (path: string | undefined): z.output<typeof Settings> => {
  if (path === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw usage(`cannot read settings file ${path}: ${(error as Error).message}`);
  }
  const parsed = Settings.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw usage(`settings file ${path} is invalid at: ${where}`);
  }
  return parsed.data;
};

/** Flags, then the settings file, then defaults. Throws CliError(USAGE) for anything malformed. */
export const parseOptions = (argv: readonly string[], env: NodeJS.ProcessEnv): Options => {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        cluster: { type: 'string' },
        node: { type: 'string' },
        bus: { type: 'string' },
        region: { type: 'string' },
        'instance-id': { type: 'string' },
        vip: { type: 'string', multiple: true },
        'key-file': { type: 'string' },
        'key-secret': { type: 'string' },
        settings: { type: 'string' },
        'dry-run': { type: 'boolean' },
        timeout: { type: 'string' },
        'no-imds': { type: 'boolean' },
        'imds-endpoint': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw usage((error as Error).message);
  }
  const flags = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const text = (name: string) => flags[name] as string | undefined;
  if (flags.help) return { command: 'help', vips: [], dryRun: false, timeoutMs: 0, imds: false };
  if (flags.version)
    return { command: 'version', vips: [], dryRun: false, timeoutMs: 0, imds: false };

  const [command, ...extra] = parsed.positionals;
  if (command === undefined) throw usage('a command is required: failover, heartbeat or selftest');
  if (!(COMMANDS as readonly string[]).includes(command))
    throw usage(`unknown command "${command}"`);
  if (extra.length > 0) throw usage(`unexpected argument "${extra[0]}"`);

  const settings = readSettings(text('settings') ?? env[SETTINGS_ENV]);
  const cluster = text('cluster') ?? settings.cluster;
  const node = text('node') ?? settings.node;
  for (const [name, value] of [
    ['cluster', cluster],
    ['node', node],
  ] as const) {
    if (value !== undefined && !NAME.test(value))
      throw usage(`--${name} "${value}" is not a valid name`);
  }
  const vips = (flags.vip as string[] | undefined) ?? [];
  if (command === 'failover' && vips.length !== 1) throw usage('failover needs exactly one --vip');
  if (command === 'selftest' && vips.length > 0) throw usage('selftest takes no --vip');

  const timeoutText = text('timeout');
  const timeoutSeconds =
    timeoutText === undefined ? (settings.timeoutSeconds ?? 20) : Number(timeoutText);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 600) {
    throw usage('--timeout must be a whole number of seconds between 1 and 600');
  }
  const keyFile = text('key-file');
  const keySecret = text('key-secret');
  const keySource: KeySource | undefined = keyFile
    ? { kind: 'file', path: keyFile }
    : env[KEY_ENV]
      ? { kind: 'env', variable: KEY_ENV }
      : keySecret
        ? { kind: 'secret', secretId: keySecret }
        : settings.keyFile
          ? { kind: 'file', path: settings.keyFile }
          : settings.keySecret
            ? { kind: 'secret', secretId: settings.keySecret }
            : undefined;
  const bus = text('bus') ?? settings.bus;
  const region = text('region') ?? settings.region ?? env.AWS_REGION;
  const instanceId = text('instance-id');
  const imdsEndpoint = text('imds-endpoint') ?? settings.imdsEndpoint;
  return {
    command: command as Command,
    ...(cluster === undefined ? {} : { cluster }),
    ...(node === undefined ? {} : { node }),
    ...(bus === undefined ? {} : { bus }),
    ...(region === undefined ? {} : { region }),
    ...(instanceId === undefined ? {} : { instanceId }),
    vips,
    ...(keySource === undefined ? {} : { keySource }),
    dryRun: flags['dry-run'] === true,
    timeoutMs: timeoutSeconds * 1000,
    imds: flags['no-imds'] !== true && settings.imds !== false,
    ...(imdsEndpoint === undefined ? {} : { imdsEndpoint }),
  };
};
