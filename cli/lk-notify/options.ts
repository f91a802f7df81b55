import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { NAME } from '../../shared/core/names';
import { CliError, EXIT } from './exit-codes';
import type { KeySource } from './node-keys';

export const COMMANDS = ['failover', 'heartbeat', 'check', 'selftest'] as const;
export type Command = (typeof COMMANDS)[number];

export const KEY_ENV = 'LK_NOTIFY_KEY';
export const SETTINGS_ENV = 'LK_NOTIFY_SETTINGS';
export const DEFAULT_WAIT_SECONDS = 60;
export const DEFAULT_LOG_MAX_KB = 1024;

export const HELP = `lk-notify: tell routekeeper what LifeKeeper did on this node, signed (lkrc v1),
and check that the VIP's routes really point here.

Usage:
  lk-notify failover  --vip <ip> [--wait] [options]  claim a VIP: its hierarchy is in service here;
                                                    --wait: until every managed route table routes it here
  lk-notify check     --vip <ip> [options]          one read of the VIP's routes; if they point here,
                                                    a heartbeat (LifeKeeper quickCheck)
  lk-notify heartbeat [--vip <ip>]... [options]     report liveness and the VIPs held here (none on a standby)
  lk-notify selftest  [options]                     check what this node needs, print a report

Identity and destination (flags win over the settings file):
  --cluster <name>        routekeeper cluster name
  --node <name>           this node's name in the routekeeper configuration
  --bus <name|arn>        the routekeeper event bus
  --region <region>       default: AWS_REGION, else the instance metadata service
  --instance-id <i-...>   default: the instance metadata service
  --eni <eni-...>         this node's ENI, the VIP routes' target (default: the instance's ENIs, from
                          the metadata service)
  --vpc-id <vpc-...>      the cluster VPC (default: the instance's VPC, from the metadata service)
  --route-table <rtb-...> a managed table that must carry the VIP route (repeatable; the VPC's tables
                          that carry it are always checked)
  --state-table <name>    routekeeper's state table: read the VIP's record and routekeeper's verdict on
                          this node's claim (optional; needs the node policy's GetItem grant)
  --no-imds               never contact the instance metadata service
  --imds-endpoint <url>   default: AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://169.254.169.254
  --settings <file>       JSON settings file (default: $${SETTINGS_ENV}); keys: cluster, node, bus,
                          vip (failover and check without --vip), region, keyFile, keySecret,
                          timeoutSeconds, waitSeconds, eniId, vpcId, routeTables, stateTable,
                          logFile, logMaxKb, imds, imdsEndpoint

Signing key (first found wins; the key itself is never printed):
  --key-file <path>       JSON key document
  $${KEY_ENV}          environment variable holding the JSON key document
  --key-secret <id>       Secrets Manager secret holding the JSON key document

Sending and waiting:
  --dry-run               print the signed entry as \`aws events put-events --entries\` takes it (an array)
  --timeout <seconds>     total time for every PutEvents attempt, and for check's route read (default 20)
  --wait-timeout <seconds>  how long failover --wait waits for the routes (default ${DEFAULT_WAIT_SECONDS})
  --log <file>            append this run's output to <file>, rotated to <file>.1 at --log-max-kb
  --log-max-kb <n>        log size cap in KiB (default ${DEFAULT_LOG_MAX_KB})
  -h, --help              this text
  --version               print the version

Exit codes:
  0 OK: sent and accepted (failover --wait: and the routes point here; check: routes here and
    heartbeat sent), printed (--dry-run), or every selftest check passed
  1 internal error          2 usage error (flags, settings)
  3 no usable signing key   4 identity unknown (region, ENI or VPC: metadata service and flags missing)
  5 not delivered in time, retryable (network, throttling, bus errors)
  6 refused for good (access denied, bus not found, malformed entry)
  7 selftest: at least one check failed
  8 failover --wait: the routes did not point here within --wait-timeout
  9 failover --wait: a newer claim of another node holds the VIP
  10 failover --wait: routekeeper refused the claim (its reason is printed)
  11 the route tables could not be read in time (EC2 API unreachable): nothing is known about the routes
  12 check: a managed route table routes the VIP elsewhere (or lacks the route)
`;

const Settings = z.strictObject({
  cluster: z.string().regex(NAME).optional(),
  node: z.string().regex(NAME).optional(),
  vip: z.string().min(7).max(18).optional(),
  bus: z.string().min(1).max(1600).optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
    .optional(),
  keyFile: z.string().min(1).optional(),
  keySecret: z.string().min(1).optional(),
  timeoutSeconds: z.number().int().positive().max(600).optional(),
  waitSeconds: z.number().int().positive().max(600).optional(),
  eniId: z
    .string()
    .regex(/^eni-[0-9a-f]{8,17}$/)
    .optional(),
  vpcId: z
    .string()
    .regex(/^vpc-[0-9a-f]{8,17}$/)
    .optional(),
  routeTables: z.array(z.string().regex(/^rtb-[0-9a-f]{8,17}$/)).optional(),
  stateTable: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/)
    .optional(),
  logFile: z.string().min(1).optional(),
  logMaxKb: z.number().int().min(16).max(102_400).optional(),
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
  /** failover: wait for the routes; waitMs is the budget. */
  readonly wait: boolean;
  readonly waitMs: number;
  readonly eniId?: string;
  readonly vpcId?: string;
  readonly routeTables: string[];
  readonly stateTable?: string;
  readonly logFile?: string;
  readonly logMaxBytes: number;
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
    // Name the key: an unknown one by its name, a bad value by its path and what is wrong with it.
    const problems = parsed.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : `"${issue.path.join('.') || '(root)'}": ${issue.message}`,
    );
    throw usage(`settings file ${path}: ${problems.join('; ')}`);
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
        wait: { type: 'boolean' },
        'wait-timeout': { type: 'string' },
        eni: { type: 'string' },
        'vpc-id': { type: 'string' },
        'route-table': { type: 'string', multiple: true },
        'state-table': { type: 'string' },
        log: { type: 'string' },
        'log-max-kb': { type: 'string' },
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
  const bare = {
    vips: [],
    dryRun: false,
    timeoutMs: 0,
    imds: false,
    wait: false,
    waitMs: 0,
    routeTables: [],
    logMaxBytes: 0,
  };
  if (flags.help) return { command: 'help', ...bare };
  if (flags.version) return { command: 'version', ...bare };

  const [command, ...extra] = parsed.positionals;
  if (command === undefined)
    throw usage('a command is required: failover, check, heartbeat or selftest');
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
  const givenVips = (flags.vip as string[] | undefined) ?? [];
  // The settings file's VIP is the one this node's LifeKeeper resource protects: what failover and check
  // claim and check when no --vip is given (a heartbeat names only the VIPs it is told are held).
  const vips =
    givenVips.length === 0 && (command === 'failover' || command === 'check') && settings.vip
      ? [settings.vip]
      : givenVips;
  if ((command === 'failover' || command === 'check') && vips.length !== 1)
    throw usage(`${command} needs exactly one --vip`);
  if (flags.wait === true && command !== 'failover') throw usage('--wait is for failover only');
  if (flags.wait === true && flags['dry-run'] === true)
    throw usage('--wait and --dry-run exclude each other');
  if (command === 'selftest' && vips.length > 0) throw usage('selftest takes no --vip');

  const seconds = (flag: string, fromSettings: number | undefined, fallback: number) => {
    const given = text(flag);
    const value = given === undefined ? (fromSettings ?? fallback) : Number(given);
    if (!Number.isInteger(value) || value <= 0 || value > 600) {
      throw usage(`--${flag} must be a whole number of seconds between 1 and 600`);
    }
    return value;
  };
  const timeoutSeconds = seconds('timeout', settings.timeoutSeconds, 20);
  const waitSeconds = seconds('wait-timeout', settings.waitSeconds, DEFAULT_WAIT_SECONDS);
  const logMaxKbText = text('log-max-kb');
  const logMaxKb =
    logMaxKbText === undefined ? (settings.logMaxKb ?? DEFAULT_LOG_MAX_KB) : Number(logMaxKbText);
  if (!Number.isInteger(logMaxKb) || logMaxKb < 16 || logMaxKb > 102_400) {
    throw usage('--log-max-kb must be a whole number from 16 to 102400');
  }
  const eniId = text('eni') ?? settings.eniId;
  const vpcId = text('vpc-id') ?? settings.vpcId;
  const routeTables = (flags['route-table'] as string[] | undefined) ?? settings.routeTables ?? [];
  for (const [flag, value, pattern] of [
    ['eni', eniId, /^eni-[0-9a-f]{8,17}$/],
    ['vpc-id', vpcId, /^vpc-[0-9a-f]{8,17}$/],
    ...routeTables.map((id) => ['route-table', id, /^rtb-[0-9a-f]{8,17}$/] as const),
  ] as const) {
    if (value !== undefined && !pattern.test(value))
      throw usage(`--${flag} "${value}" is not a valid id`);
  }
  const stateTable = text('state-table') ?? settings.stateTable;
  const logFile = text('log') ?? settings.logFile;
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
    wait: flags.wait === true,
    waitMs: waitSeconds * 1000,
    ...(eniId === undefined ? {} : { eniId }),
    ...(vpcId === undefined ? {} : { vpcId }),
    routeTables,
    ...(stateTable === undefined ? {} : { stateTable }),
    ...(logFile === undefined ? {} : { logFile }),
    logMaxBytes: logMaxKb * 1024,
    imds: flags['no-imds'] !== true && settings.imds !== false,
    ...(imdsEndpoint === undefined ? {} : { imdsEndpoint }),
  };
};
