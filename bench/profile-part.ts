/**
 * Part (e) of `npm run bench`: the failover under latency profiles, at 1, 4 and 16 tables, for routekeeper,
 * the bare SDK minimum (with and without a verify read) and the CLI-per-call incumbent; the critical path
 * read from the recorded spans; cold starts with and without provisioned concurrency.
 */
import type { Moto } from '../dev/moto';
import { seededRandom } from '../dev/seeded-random';
import { coldStartMs, measureUnderProfile, type ProfileRow } from './aws-profile';
import type { BundleRow } from './bundles';
import type { LatencyRow } from './latency';
import {
  type BusSweep,
  CALL_KINDS,
  describeBasis,
  type LatencyProfile,
  loadAllProfiles,
  loadBusSweep,
  loadProfile,
  withBusDelivery,
} from './profiles';
import { renderPath } from './spans';
import { round, type Summary, summarize, table } from './stats';

export const PROFILE_TARGETS = {
  writtenVsBare: 1.05,
  verifiedVsBare: 1.1,
  endToEndP95Ms: 1000,
  cliVsRoutekeeperAt4: 20,
} as const;

export interface ColdRow {
  readonly scenario: string;
  readonly endToEnd: Summary;
}

export interface ProfilePart {
  readonly profiles: readonly LatencyProfile[];
  readonly rows: readonly ProfileRow[];
  readonly sweep: readonly ProfileRow[];
  readonly coldStarts: readonly { fn: string; coldStart: Summary }[];
  readonly cold: readonly ColdRow[];
}

const TABLES = [1, 4, 16] as const;
/** The functions on the failover path, as part (c) names their bundles. */
const PATH_FUNCTIONS = ['heartbeat', 'routeSwitch'] as const;

export const runProfilePart = async (
  moto: Moto,
  quick: boolean,
  latency: readonly LatencyRow[],
  bundles: readonly BundleRow[],
  log: (line: string) => void,
): Promise<ProfilePart> => {
  loadAllProfiles(); // every shipped profile validates, even those this run does not use
  const typical = loadProfile('aws-typical');
  const profiles = quick ? [typical] : [typical, loadProfile('aws-slow')];
  const cliSamples = (tables: number) => latency.find((r) => r.tables === tables)?.awsCliSamples;
  const rows: ProfileRow[] = [];
  for (const profile of profiles) {
    for (const tables of TABLES) {
      log(`(e) failover under ${profile.name}, ${tables} route table(s)`);
      const runs = quick ? 3 : profile === typical ? 20 : 10;
      const samples = cliSamples(tables);
      rows.push(
        await measureUnderProfile(moto, tables, profile, {
          runs,
          ...(samples ? { cliSamples: samples } : {}),
          log,
        }),
      );
    }
  }
  const sweep: ProfileRow[] = [];
  const busSweep: BusSweep = loadBusSweep();
  for (const medianMs of quick ? [] : busSweep.busDeliveryMedianMs) {
    log(`(e) bus-delivery sweep: ${medianMs} ms, 4 route tables`);
    sweep.push(
      await measureUnderProfile(moto, 4, withBusDelivery(typical, busSweep, medianMs), {
        runs: 10,
        log,
      }),
    );
  }

  // Cold starts (model: the profile's runtime share + the bundle's measured import on Lambda's CPU share).
  const random = seededRandom(1769);
  const coldSamples = (fn: string) => {
    const bundle = bundles.find((b) => b.fn === fn);
    if (!bundle) throw new Error(`part (c) measured no bundle "${fn}"`);
    return Array.from({ length: 200 }, () => coldStartMs(typical, bundle.coldImportMs, random));
  };
  const coldByFn = Object.fromEntries(PATH_FUNCTIONS.map((fn) => [fn, coldSamples(fn)]));
  const warm = rows.find((r) => r.profile === typical.name && r.tables === 4);
  const warmSamples = warm?.endToEndSamples ?? [];
  const pick = (samples: readonly number[], i: number) => samples[i % samples.length] as number;
  const cold: ColdRow[] = [
    { scenario: 'warm (or provisioned concurrency on both)', endToEnd: summarize(warmSamples) },
    {
      scenario: 'routeSwitch cold (heartbeat kept warm by node heartbeats)',
      endToEnd: summarize(warmSamples.map((ms, i) => ms + pick(coldByFn.routeSwitch ?? [], i))),
    },
    {
      scenario: 'both cold (no heartbeats for a while, no provisioned concurrency)',
      endToEnd: summarize(
        warmSamples.map(
          (ms, i) =>
            ms + pick(coldByFn.routeSwitch ?? [], i) + pick(coldByFn.heartbeat ?? [], i + 7),
        ),
      ),
    },
  ];
  return {
    profiles,
    rows,
    sweep,
    coldStarts: PATH_FUNCTIONS.map((fn) => ({ fn, coldStart: summarize(coldByFn[fn] ?? []) })),
    cold,
  };
};

const ms = (value: number) => round(value, 0);
const both = (s: Summary) => `${ms(s.median)} / ${ms(s.p95)}`;
const ratio = (a: number, b: number) => `${round(a / b, 2)}x`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

const renderRows = (rows: readonly ProfileRow[]): string =>
  table(
    [
      'tables',
      'rk written',
      'rk verified',
      'rk fn done',
      'rk local work',
      'e2e claim→verified',
      'bare written',
      'bare verified',
      'written rk/bare',
      'verified rk/bare',
      'CLI (n)',
      'CLI/rk e2e',
    ],
    rows.map((r) => [
      r.tables,
      both(r.routekeeper.written),
      both(r.routekeeper.verified),
      both(r.routekeeper.done),
      both(r.routekeeper.localWork),
      both(r.routekeeper.endToEnd),
      both(r.bare.written),
      both(r.bare.verified),
      ratio(r.routekeeper.written.median, r.bare.written.median),
      ratio(r.routekeeper.verified.median, r.bare.verified.median),
      r.cli ? `${ms(r.cli.median)} (${r.cli.n})` : '-',
      r.cli ? ratio(r.cli.median, r.routekeeper.endToEnd.median) : '-',
    ]),
  );

export const renderProfilePart = (part: ProfilePart): string => {
  const out: string[] = [];
  for (const profile of part.profiles) {
    const rows = part.rows.filter((r) => r.profile === profile.name);
    out.push(
      `(e) failover under latency profile "${profile.name}", ms: median / p95 (${profile.description})`,
      '    routekeeper (rk) times from routeSwitch start; e2e from `lk-notify failover` start, both bus hops included;',
      '    bare = one filtered describe + N parallel ReplaceRoute ("written"), + one describe ("verified");',
      "    each time less the emulator's own time beyond the profile's round trip on its critical path;",
      "    local work = gaps between round trips on routeSwitch's path (this process's CPU: inflated by machine load)",
    );
    out.push(renderRows(rows));
    if (profile.name !== 'aws-typical') continue;
    const worst = (pick: (r: ProfileRow) => number) => Math.max(...rows.map(pick));
    const written = worst((r) => r.routekeeper.written.median / r.bare.written.median);
    const verified = worst((r) => r.routekeeper.verified.median / r.bare.verified.median);
    const e2e = rows.find((r) => r.tables === 4)?.routekeeper.endToEnd;
    const cliAt4 = rows.find((r) => r.tables === 4);
    const cliRatio = cliAt4?.cli
      ? cliAt4.cli.median / cliAt4.routekeeper.endToEnd.median
      : undefined;
    out.push(
      `targets under aws-typical: written <= ${PROFILE_TARGETS.writtenVsBare}x bare: worst ${round(written, 2)}x, ${verdict(written <= PROFILE_TARGETS.writtenVsBare)}; ` +
        `verified <= ${PROFILE_TARGETS.verifiedVsBare}x bare: worst ${round(verified, 2)}x, ${verdict(verified <= PROFILE_TARGETS.verifiedVsBare)}; ` +
        `e2e warm p95 <= ${PROFILE_TARGETS.endToEndP95Ms} ms (4 tables): ${e2e ? `${ms(e2e.p95)} ms, ${verdict(e2e.p95 <= PROFILE_TARGETS.endToEndP95Ms)}` : 'not measured'}; ` +
        `>= ${PROFILE_TARGETS.cliVsRoutekeeperAt4}x faster than the CLI at 4 tables (claim → verified): ${cliRatio === undefined ? 'not measured (a --quick run, or no aws CLI)' : `${round(cliRatio, 1)}x, ${verdict(cliRatio >= PROFILE_TARGETS.cliVsRoutekeeperAt4)}`}`,
    );
    for (const row of rows) {
      out.push(
        `critical path, routeSwitch start → verified, ${row.tables} table(s) (the median run; ‖ = ran alongside):`,
        ...renderPath(row.switchPath).map((line) => `    ${line}`),
      );
    }
    const at4 = rows.find((r) => r.tables === 4);
    if (at4) {
      out.push(
        'critical path, `lk-notify failover` start → verified, 4 tables:',
        ...renderPath(at4.endToEndPath).map((line) => `    ${line}`),
      );
    }
    out.push(`sources of "${profile.name}":`);
    for (const kind of CALL_KINDS) {
      const d = profile.calls[kind];
      out.push(`    ${kind} ${d.medianMs} / p99 ${d.p99Ms} ms: ${describeBasis(d.basis)}`);
    }
    const { busDelivery: bus, lambda } = profile;
    out.push(
      `    bus → Lambda ${bus.medianMs} / p99 ${bus.p99Ms} ms: ${describeBasis(bus.basis)}`,
      `    Lambda runtime init ${lambda.runtimeInit.medianMs} / p99 ${lambda.runtimeInit.p99Ms} ms: ${describeBasis(lambda.runtimeInit.basis)}`,
      `    Lambda CPU share ${lambda.cpuShare.value}: ${describeBasis(lambda.cpuShare.basis)}`,
      `    Lambda warm start ${lambda.warmStart.medianMs} ms: ${describeBasis(lambda.warmStart.basis)}`,
    );
  }
  if (part.sweep.length > 0) {
    out.push('', '(e) bus-delivery sweep (aws-typical otherwise, 4 tables), ms: median / p95');
    out.push(
      table(
        ['bus delivery', 'e2e claim→verified', 'rk verified'],
        part.sweep.map((r) => [
          r.profile,
          both(r.routekeeper.endToEnd),
          both(r.routekeeper.verified),
        ]),
      ),
    );
  }
  out.push(
    '',
    '(e) cold starts under aws-typical (model: runtime init from the profile + the bundle cold import of part (c) / CPU share), ms: median / p95',
  );
  out.push(
    table(
      ['function', 'cold start'],
      part.coldStarts.map((c) => [c.fn, both(c.coldStart)]),
    ),
  );
  out.push(
    table(
      ['4 tables, claim → verified', 'e2e'],
      part.cold.map((c) => [c.scenario, both(c.endToEnd)]),
    ),
  );
  return out.join('\n');
};
