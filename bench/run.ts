/**
 * `npm run bench`: routekeeper's speed and cost, measured in one run against one moto_server, printed as
 * tables with the targets beside the measured values, and written as JSON to bench/results/latest.json
 * (and a dated copy). Parts: (a) failover latency, (b) EC2 calls per failover and drift run, (c) bundle
 * size and cold import, (d) pacing under EC2's mutating-call throttle, (e) the failover under AWS-like
 * latency profiles (bench/profiles), its critical path and cold starts. `--quick` runs fewer iterations.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { REGION } from '../dev/guide';
import { type Moto, MotoMissingError, withEmulator } from '../dev/moto';
import { type BundleRow, type CliStartRow, measureBundles, measureCliStart } from './bundles';
import { type EconomyRow, measureEconomy } from './economy';
import { awsCliAvailable, type LatencyRow, measureLatency } from './latency';
import { measurePacing, type PacingRow } from './pacing';
import {
  PROFILE_TARGETS,
  type ProfilePart,
  renderProfilePart,
  runProfilePart,
} from './profile-part';
import { round, table } from './stats';

const quick = process.argv.includes('--quick');
const began = performance.now();
/** Progress on stderr, with the seconds since the start. */
const log = (line: string) =>
  process.stderr.write(
    `[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`,
  );
const ms = (value: number) => round(value, 1);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

const TARGETS = {
  fullPathVsBare: 1.5,
  cliVsRoutekeeperAt4: 20,
  coldImportMs: 400,
  cliStartMs: 300,
  pacingOverLimit: 0.1,
} as const;

const latencyPart = async (moto: Moto): Promise<LatencyRow[]> => {
  const rows: LatencyRow[] = [];
  for (const tables of [1, 4, 16]) {
    log(`(a) failover latency, ${tables} route table(s)`);
    rows.push(
      await measureLatency(moto, tables, {
        runs: quick ? 3 : 30,
        // Each CLI failover is 3N processes of about a second: fewer samples, stated in the table; a quick
        // run leaves it out (17 s at 4 tables, a quarter of its minute): its ratio is the full run's.
        cliRuns: (n) => (quick ? 0 : n >= 16 ? 3 : n >= 4 ? 5 : 10),
        log,
      }),
    );
  }
  return rows;
};

const economyPart = async (moto: Moto): Promise<EconomyRow[]> => {
  const rows: EconomyRow[] = [];
  const sizes: [number, number][] = quick
    ? [
        [1, 2],
        [10, 10],
      ]
    : [
        [1, 2],
        [10, 10],
        [50, 25],
        [100, 50],
      ];
  for (const [vips, tables] of sizes) {
    log(`(b) API calls, ${vips} VIP(s) x ${tables} route tables`);
    rows.push(await measureEconomy(moto, vips, tables));
  }
  return rows;
};

const pacingPart = async (moto: Moto): Promise<PacingRow[]> => {
  const rows: PacingRow[] = [];
  for (const replacements of quick ? [100] : [200, 500]) {
    log(`(d) pacing, ${replacements} route replacements under the mutating bucket`);
    rows.push(await measurePacing(moto, replacements, log));
  }
  return rows;
};

const render = (
  a: LatencyRow[],
  b: EconomyRow[],
  c: BundleRow[],
  cli: CliStartRow[],
  d: PacingRow[],
  e: ProfilePart,
): string => {
  const out: string[] = [];
  out.push(
    '(a) failover latency, ms: median / p95 (routekeeper = heartbeat fn + routeSwitch fn, in-process)',
  );
  out.push(
    table(
      [
        'tables',
        'routekeeper',
        'heartbeat fn',
        'routeSwitch fn',
        'bus delivery*',
        'bare SDK',
        'aws CLI (n)',
        'rk / bare',
        'CLI / rk',
      ],
      a.map((r) => [
        r.tables,
        `${ms(r.routekeeper.median)} / ${ms(r.routekeeper.p95)}`,
        `${ms(r.heartbeatFn.median)} / ${ms(r.heartbeatFn.p95)}`,
        `${ms(r.routeSwitchFn.median)} / ${ms(r.routeSwitchFn.p95)}`,
        `${ms(r.delivery.median)} / ${ms(r.delivery.p95)}`,
        `${ms(r.bareSdk.median)} / ${ms(r.bareSdk.p95)}`,
        r.awsCli
          ? `${ms(r.awsCli.median)} (${r.awsCli.n})`
          : awsCliAvailable()
            ? 'not run (--quick)'
            : 'skipped: no aws',
        `${round(r.routekeeper.median / r.bareSdk.median, 2)}x`,
        r.awsCli ? `${round(r.awsCli.median / r.routekeeper.median, 1)}x` : '-',
      ]),
    ),
  );
  out.push(
    '* the emulator delivering Route Switch Requested between the functions; reported, not in the path',
  );
  const at4 = a.find((r) => r.tables === 4);
  const worstRatio = Math.max(...a.map((r) => r.routekeeper.median / r.bareSdk.median));
  out.push(
    `targets: full path <= ${TARGETS.fullPathVsBare}x bare SDK: worst ${round(worstRatio, 2)}x, ${verdict(worstRatio <= TARGETS.fullPathVsBare)}; ` +
      `>= ${TARGETS.cliVsRoutekeeperAt4}x faster than the CLI at 4 tables: ${
        at4?.awsCli
          ? `${round(at4.awsCli.median / at4.routekeeper.median, 1)}x, ${verdict(at4.awsCli.median / at4.routekeeper.median >= TARGETS.cliVsRoutekeeperAt4)}`
          : 'not measured (a --quick run, or no aws CLI)'
      }`,
  );
  out.push('', '(b) EC2 API calls (counted at an HTTP proxy in front of the emulator)');
  out.push(
    table(
      ['VIPs', 'route tables', 'per failover', 'of which writes', 'per drift run'],
      b.map((r) => [r.vips, r.routeTables, r.failoverEc2Calls, r.failoverWrites, r.driftEc2Calls]),
    ),
  );
  const driftCalls = new Set(b.map((r) => r.driftEc2Calls));
  out.push(
    `target: drift reads flat in the number of VIPs: ${driftCalls.size === 1 ? `${[...driftCalls][0]} calls at every size, met` : `varies (${[...driftCalls].join(', ')}), NOT met`}`,
  );
  out.push(
    '',
    `(c) packaged functions: zip size and cold import (fresh node process, median of ${quick ? 3 : 10})`,
  );
  out.push(
    table(
      ['function', 'zip KB', 'bundle KB', 'cold import ms'],
      c.map((r) => [
        r.fn,
        round(r.zipBytes / 1024, 0),
        round(r.jsBytes / 1024, 0),
        ms(r.coldImportMs),
      ]),
    ),
  );
  const slowest = Math.max(...c.map((r) => r.coldImportMs));
  out.push(
    `target: cold import <= ${TARGETS.coldImportMs} ms per function: slowest ${ms(slowest)} ms, ${verdict(slowest <= TARGETS.coldImportMs)}`,
  );
  out.push(
    '',
    `\`routekeeper doctor --help\`: wall time of the whole process (node bin/routekeeper.cjs), median of ${quick ? 5 : 10}`,
  );
  out.push(
    table(
      ['compile cache', 'wall ms'],
      cli.map((r) => [
        r.cache === 'warm' ? 'warm (every run after the first; npm ci warms it)' : 'cold (empty)',
        ms(r.wallMs),
      ]),
    ),
  );
  const warmStart = cli.find((r) => r.cache === 'warm')?.wallMs ?? Number.NaN;
  out.push(
    `target: doctor --help starts in <= ${TARGETS.cliStartMs} ms (warm): ${ms(warmStart)} ms, ${verdict(warmStart <= TARGETS.cliStartMs)}`,
  );
  out.push(
    '',
    "(d) one failover of N routes under EC2's mutating bucket (50 burst, 5/s refill, RequestLimitExceeded when empty)",
  );
  out.push(
    table(
      [
        'replacements',
        'seconds',
        'physical limit s',
        'over limit',
        'throttled',
        'invocations',
        'unswitched',
      ],
      d.map((r) => [
        r.replacements,
        round(r.seconds, 1),
        r.physicalLimitSeconds,
        `${round(((r.seconds - r.physicalLimitSeconds) / Math.max(1, r.physicalLimitSeconds)) * 100, 1)}%`,
        r.throttled,
        r.invocations,
        r.unswitched,
      ]),
    ),
  );
  const largest = d[d.length - 1];
  if (largest) {
    const over =
      (largest.seconds - largest.physicalLimitSeconds) / Math.max(1, largest.physicalLimitSeconds);
    out.push(
      `target: ${largest.replacements} replacements within ${TARGETS.pacingOverLimit * 100}% of the physical limit, none unswitched: ` +
        `${round(over * 100, 1)}% over, ${largest.unswitched} unswitched, ${verdict(over <= TARGETS.pacingOverLimit && largest.unswitched === 0)}`,
    );
  }
  out.push('', renderProfilePart(e));
  return out.join('\n');
};

const main = async () => {
  // The machine may be shared: its load at the start and at the end is part of the result.
  const loadAtStart = loadavg()[0] ?? 0;
  try {
    await withEmulator(REGION, async (moto) => {
      log(
        `emulator: ${moto.url}${awsCliAvailable() ? '' : ' (no aws CLI on PATH: the CLI column is skipped)'}`,
      );
      const a = await latencyPart(moto);
      const b = await economyPart(moto);
      log('(c) the packaged functions (cached package) and their cold imports');
      const c = await measureBundles(
        {
          ...process.env,
          ROUTEKEEPER_CONFIG: 'config/routekeeper.dev.json',
          STATE_TABLE: 'bench-state',
          IDEMPOTENCY_TABLE: 'bench-idempotency',
          DEDUPE_TABLE: 'bench-dedupe',
          LIVENESS_TABLE: 'bench-liveness',
          EVENT_BUS_NAME: 'bench',
          AWS_REGION: 'ap-northeast-1',
        },
        quick ? 3 : 10,
      );
      log('(c) routekeeper doctor --help start time');
      const cli = measureCliStart(quick ? 5 : 10);
      const d = await pacingPart(moto);
      const e = await runProfilePart(moto, quick, a, c, log);
      const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${round(totalmem() / 2 ** 30, 0)} GiB, node ${process.version}, load average ${round(loadAtStart, 1)} at start, ${round(loadavg()[0] ?? 0, 1)} at end`;
      const report = render(a, b, c, cli, d, e);
      console.log(
        `routekeeper benchmark${quick ? ' (quick)' : ''} — ${new Date().toISOString()} — ${machine}\n`,
      );
      console.log(report);
      const dir = resolve(__dirname, 'results');
      mkdirSync(dir, { recursive: true });
      const json = JSON.stringify(
        {
          at: new Date().toISOString(),
          machine,
          quick,
          targets: { ...TARGETS, ...PROFILE_TARGETS },
          latency: a,
          economy: b,
          bundles: c,
          cliStart: cli,
          pacing: d,
          underProfile: e,
        },
        null,
        2,
      );
      // The full run's figures are the ones the README quotes (latest.json, committed); a quick run's are
      // kept beside them, never in their place.
      const name = quick ? 'latest-quick.json' : 'latest.json';
      writeFileSync(join(dir, name), json);
      writeFileSync(
        join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
        json,
      );
      console.log(
        `\nwritten: bench/results/${name} (${((performance.now() - began) / 1000).toFixed(0)} s)`,
      );
    });
  } catch (error) {
    if (error instanceof MotoMissingError) console.error(error.message);
    else console.error('benchmark FAILED:', error);
    process.exitCode = 1;
  }
};

void main();
