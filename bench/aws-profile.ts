/**
 * Part (e): the failover under an AWS-like latency profile. Every AWS call goes through the fault proxy,
 * which holds each answer for a round trip drawn from the profile (bench/profiles/*.json); the two bus hops
 * (EventBridge to a Lambda target) and the Lambda starts are drawn from the same profile and recorded as
 * spans beside the calls. Milestones and the critical path are read from those spans, never written by hand.
 */
import { DescribeRouteTablesCommand, ReplaceRouteCommand } from '@aws-sdk/client-ec2';
import type { CallRecord } from '../dev/fault-proxy';
import { VIP } from '../dev/guide';
import { runAs } from '../dev/invocation-scope';
import type { Moto } from '../dev/moto';
import { logNormal, type Random, seededRandom } from '../dev/seeded-random';
import { type BusEntry, makeEntrySender } from '../shared/aws/event-bus';
import type { SwitchOutcome } from '../shared/domain/switch/outcomes';
import { prepareFailover } from './latency';
import { type LatencyProfile, profileRules } from './profiles';
import { correctedMs, criticalPath, localWorkMs, type PathStep, type Span } from './spans';
import { type Summary, summarize } from './stats';
import { delivered, lambdaContext } from './support';

/** One warm failover, times in ms from the start of what each names. */
export interface FailoverTimes {
  /** From routeSwitch's start: every table's write acknowledged. */
  readonly written: number;
  /** From routeSwitch's start: the verify read that saw every written table on the new ENI. */
  readonly verified: number;
  /** From routeSwitch's start: the handler returned (result published, idempotency record saved). */
  readonly done: number;
  /** From `lk-notify failover`'s start to verified: both bus hops and the heartbeat function included. */
  readonly endToEnd: number;
  /** Local work (gaps between round trips) on routeSwitch's path to verified. */
  readonly localWork: number;
  /** The critical paths of this failover. */
  readonly switchPath: readonly PathStep[];
  readonly endToEndPath: readonly PathStep[];
}

export interface ProfileRow {
  readonly profile: string;
  readonly tables: number;
  readonly routekeeper: {
    readonly written: Summary;
    readonly verified: Summary;
    readonly done: Summary;
    readonly endToEnd: Summary;
    readonly localWork: Summary;
  };
  /** Every measured end-to-end time, for the cold-start rows. */
  readonly endToEndSamples: readonly number[];
  readonly bare: { readonly written: Summary; readonly verified: Summary };
  /** The CLI sequence of part (a) (3N processes) with the profile's round trip added to each call. */
  readonly cli?: Summary;
  /** Critical paths of the failover whose verified time is the median one, rendered as steps. */
  readonly switchPath: readonly PathStep[];
  readonly endToEndPath: readonly PathStep[];
  readonly failures: number;
}

const TABLE_ROLE = /-(state|idempotency|dedupe|liveness)$/;

/** A readable name for a proxied call: the operation, and for DynamoDB the table's role and step. */
export const spanLabel = (call: CallRecord): string => {
  if (call.service === 'events') {
    const entry = (call.body as { Entries?: { DetailType?: string }[] } | undefined)?.Entries?.[0];
    return `PutEvents(${entry?.DetailType ?? '?'})`;
  }
  if (call.service !== 'dynamodb') return call.operation;
  const body = call.body as
    | { TableName?: string; ExpressionAttributeValues?: Record<string, unknown> }
    | undefined;
  const role = TABLE_ROLE.exec(body?.TableName ?? '')?.[1] ?? 'table';
  if (role === 'state' && call.operation === 'UpdateItem') {
    const values = body?.ExpressionAttributeValues ?? {};
    return `UpdateItem(state: ${':intent' in values ? 'fence' : 'phase'})`;
  }
  if (role === 'idempotency' || role === 'dedupe') {
    return `${call.operation}(${role} ${call.operation === 'PutItem' ? 'lock' : 'save'})`;
  }
  return `${call.operation}(${role})`;
};

const callSpans = (calls: readonly CallRecord[], keep: (call: CallRecord) => boolean): Span[] =>
  calls
    .filter((call) => keep(call) && call.repliedAt !== undefined)
    .map((call) => {
      const end = call.repliedAt as number;
      return {
        label: spanLabel(call),
        start: call.receivedAt,
        end,
        overrunMs: Math.max(0, end - call.receivedAt - call.roundTripMs),
      };
    });

/** `until - from` on the critical path, less the emulator's overrun there; and that path. */
const timed = (spans: readonly Span[], from: number, until: number) => {
  const path = criticalPath(spans, from, until);
  return { ms: correctedMs(path, from, until), path };
};

const sleepUntil = (at: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));

/** Resolves with the first finished call that matches (a listener on the proxy). */
const whenCall = (
  proxy: Awaited<ReturnType<typeof prepareFailover>>['proxy'],
  match: (call: CallRecord) => boolean,
): Promise<CallRecord> =>
  new Promise((resolve) => {
    const stop = proxy.onCall((call) => {
      if (!match(call)) return;
      stop();
      resolve(call);
    });
  });

export interface ProfileOptions {
  readonly runs: number;
  /** CLI samples of part (a) at this table count (ms per failover on the emulator), if measured. */
  readonly cliSamples?: readonly number[];
  readonly log: (line: string) => void;
}

const middle = <T extends { verified: number }>(runs: readonly T[]): T | undefined =>
  [...runs].sort((a, b) => a.verified - b.verified)[Math.floor((runs.length - 1) / 2)];

/** Part (e) at one table count under one profile. */
export const measureUnderProfile = async (
  moto: Moto,
  tables: number,
  profile: LatencyProfile,
  options: ProfileOptions,
): Promise<ProfileRow> => {
  const prepared = await prepareFailover(moto, tables);
  const { proxy, aws, topology } = prepared;
  const random: Random = seededRandom(13 * tables);
  const bus = () => logNormal(random, profile.busDelivery.medianMs, profile.busDelivery.p99Ms);
  const send = makeEntrySender(aws.events);
  const rules = profileRules(profile);

  const failover = async (node: string, run: string): Promise<FailoverTimes & { ok: boolean }> => {
    proxy.reset();
    proxy.setRules(rules);
    const heartbeatId = `heartbeat-${run}`;
    const switchId = `routeSwitch-${run}`;
    const busSpans: Span[] = [];

    const started = performance.now();
    // lk-notify failover: sign the claim and put it on the bus (the node's own PutEvents).
    const signed = prepared.claim(node);
    const entry: BusEntry = {
      EventBusName: prepared.bus,
      Source: signed.source,
      DetailType: signed.detailType,
      Detail: JSON.stringify(signed.detail),
    };
    await runAs(`lk-notify-${run}`, () => send(entry));
    const accepted = proxy.calls.find((c) => c.invocation === `lk-notify-${run}`)?.repliedAt;
    if (accepted === undefined) throw new Error("the node's PutEvents was not seen at the proxy");
    const heartbeatStart = accepted + bus();
    busSpans.push({ label: 'bus → heartbeat', start: accepted, end: heartbeatStart });
    await sleepUntil(heartbeatStart);

    // The heartbeat function runs on (dedupe save) while the bus delivers its request to routeSwitch.
    const requested = whenCall(
      proxy,
      (c) => c.invocation === heartbeatId && c.operation === 'PutEvents',
    );
    const heartbeat = runAs(heartbeatId, () =>
      prepared.heartbeat(
        delivered(signed.source, signed.detailType, signed.detail),
        lambdaContext('heartbeat'),
      ),
    ) as Promise<{ kind: string }>;
    const put = await Promise.race([requested, heartbeat.then(() => undefined)]);
    if (put?.repliedAt === undefined) {
      const outcome = await heartbeat;
      throw new Error(`the heartbeat function published no request (${outcome.kind})`);
    }
    const switchStart = put.repliedAt + bus();
    busSpans.push({ label: 'bus → routeSwitch', start: put.repliedAt, end: switchStart });
    await sleepUntil(switchStart);
    const outcome = (await runAs(switchId, () =>
      prepared.routeSwitch(prepared.published(), lambdaContext('routeSwitch')),
    )) as SwitchOutcome;
    const done = performance.now();
    const ingested = await heartbeat;

    const calls = proxy.calls.filter((c) => c.invocation === switchId);
    const writes = calls.filter(
      (c) => c.operation === 'ReplaceRoute' || c.operation === 'CreateRoute',
    );
    const written = Math.max(...writes.map((c) => c.repliedAt ?? Number.NaN));
    const result = calls.find((c) => c.operation === 'PutEvents');
    const verifyReads = calls.filter(
      (c) =>
        c.operation === 'DescribeRouteTables' &&
        c.receivedAt >= written - 1 &&
        (result === undefined || c.receivedAt < result.receivedAt),
    );
    const verified = Math.max(...verifyReads.map((c) => c.repliedAt ?? Number.NaN));
    const switchSpans = callSpans(proxy.calls, (c) => c.invocation === switchId);
    const toVerified = timed(switchSpans, switchStart, verified);
    const endToEnd = timed([...callSpans(proxy.calls, () => true), ...busSpans], started, verified);
    return {
      ok:
        ingested.kind === 'FailoverRequested' &&
        outcome.kind === 'Switched' &&
        writes.length === tables,
      written: timed(switchSpans, switchStart, written).ms,
      verified: toVerified.ms,
      done: timed(switchSpans, switchStart, done).ms,
      endToEnd: endToEnd.ms,
      localWork: localWorkMs(toVerified.path),
      switchPath: toVerified.path,
      endToEndPath: endToEnd.path,
    };
  };

  const enis = topology.nodes.map((n) => n.eniId);
  const bareFailover = async (eniId: string) => {
    proxy.reset();
    proxy.setRules(rules);
    const started = performance.now();
    const filters = [
      { Name: 'vpc-id', Values: [topology.vpcA] },
      { Name: 'route.destination-cidr-block', Values: [`${VIP}/32`] },
    ];
    const read = await aws.ec2.send(new DescribeRouteTablesCommand({ Filters: filters }));
    await Promise.all(
      (read.RouteTables ?? []).map((table) =>
        aws.ec2.send(
          new ReplaceRouteCommand({
            RouteTableId: table.RouteTableId,
            DestinationCidrBlock: `${VIP}/32`,
            NetworkInterfaceId: eniId,
          }),
        ),
      ),
    );
    const written = performance.now();
    const check = await aws.ec2.send(new DescribeRouteTablesCommand({ Filters: filters }));
    const verified = performance.now();
    const spans = callSpans(proxy.calls, () => true);
    const moved = (check.RouteTables ?? []).every((table) =>
      table.Routes?.some(
        (r) => r.DestinationCidrBlock === `${VIP}/32` && r.NetworkInterfaceId === eniId,
      ),
    );
    return {
      written: timed(spans, started, written).ms,
      verified: timed(spans, started, verified).ms,
      moved,
    };
  };

  let failures = 0;
  const runs: FailoverTimes[] = [];
  // Two warm-up failovers (the first finds node1 in place), then the measured ones: node2, node1, ...
  for (let i = -2; i < options.runs; i++) {
    const times = await failover(i % 2 === 0 ? 'node2' : 'node1', `${profile.name}-${tables}-${i}`);
    if (i < 0) continue;
    if (!times.ok) failures++;
    runs.push(times);
  }
  const bare: { written: number; verified: number }[] = [];
  for (let i = -2; i < options.runs; i++) {
    const times = await bareFailover(enis[i % 2 === 0 ? 0 : 1] as string);
    if (i < 0) continue;
    if (!times.moved) failures++;
    bare.push(times);
  }
  // The CLI went to the emulator directly in part (a); each of its 3N sequential calls also pays a round trip.
  const cli = options.cliSamples?.map((ms) => {
    let added = 0;
    for (let call = 0; call < 3 * tables; call++) {
      const kind = call >= tables && call < 2 * tables ? 'ec2Write' : 'ec2Read';
      added += logNormal(random, profile.calls[kind].medianMs, profile.calls[kind].p99Ms);
    }
    return ms + added;
  });
  await prepared.close();
  options.log(
    `    ${profile.name}, ${tables} table(s): ${runs.length} failovers, ${failures} failed`,
  );
  const median = middle(runs);
  return {
    profile: profile.name,
    tables,
    routekeeper: {
      written: summarize(runs.map((r) => r.written)),
      verified: summarize(runs.map((r) => r.verified)),
      done: summarize(runs.map((r) => r.done)),
      endToEnd: summarize(runs.map((r) => r.endToEnd)),
      localWork: summarize(runs.map((r) => r.localWork)),
    },
    endToEndSamples: runs.map((r) => r.endToEnd),
    bare: {
      written: summarize(bare.map((b) => b.written)),
      verified: summarize(bare.map((b) => b.verified)),
    },
    ...(cli && cli.length > 0 ? { cli: summarize(cli) } : {}),
    switchPath: median?.switchPath ?? [],
    endToEndPath: median?.endToEndPath ?? [],
    failures,
  };
};

/** A function's cold start under the profile: the runtime's share, plus the bundle's import on Lambda's CPU. */
export const coldStartMs = (
  profile: LatencyProfile,
  coldImportMs: number,
  random: Random,
): number =>
  logNormal(random, profile.lambda.runtimeInit.medianMs, profile.lambda.runtimeInit.p99Ms) +
  coldImportMs / profile.lambda.cpuShare.value;
