import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { FaultRule, ProxiedCall } from '../dev/fault-proxy';

/**
 * Latency profiles (bench/profiles/*.json): per service and operation a round-trip distribution (median and
 * 99th percentile, sampled log-normally at the fault proxy), the bus-to-Lambda delivery and the Lambda start.
 * Every number says where it comes from: a public source and what it says, or an assumption and why.
 */
const Basis = z.union([
  z.strictObject({ source: z.url(), says: z.string().min(10) }),
  z.strictObject({ assumption: z.string().min(10) }),
]);
export type Basis = z.infer<typeof Basis>;

const Distribution = z
  .strictObject({
    medianMs: z.number().nonnegative(),
    p99Ms: z.number().nonnegative(),
    basis: Basis,
  })
  .refine((d) => d.p99Ms >= d.medianMs, { message: 'p99Ms must not be below medianMs' });
export type Distribution = z.infer<typeof Distribution>;

export const CALL_KINDS = [
  'ec2Read',
  'ec2Write',
  'dynamodbRead',
  'dynamodbWrite',
  'dynamodbConditionalWrite',
  'putEvents',
  'sts',
] as const;
export type CallKind = (typeof CALL_KINDS)[number];

export const LatencyProfile = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().min(10),
  calls: z.strictObject({
    ec2Read: Distribution,
    ec2Write: Distribution,
    dynamodbRead: Distribution,
    dynamodbWrite: Distribution,
    dynamodbConditionalWrite: Distribution,
    putEvents: Distribution,
    sts: Distribution,
  }),
  busDelivery: Distribution,
  lambda: z.strictObject({
    warmStart: Distribution,
    runtimeInit: Distribution,
    cpuShare: z.strictObject({ value: z.number().gt(0).lte(1), basis: Basis }),
  }),
});
export type LatencyProfile = z.infer<typeof LatencyProfile>;

export const BusSweep = z.strictObject({
  name: z.literal('bus-sweep'),
  description: z.string().min(10),
  base: z.string(),
  busDeliveryMedianMs: z.array(z.number().positive()).min(1),
  p99OverMedian: z.number().gte(1),
  basis: Basis,
});
export type BusSweep = z.infer<typeof BusSweep>;

const DIR = resolve(__dirname, 'profiles');

/** Read and validate one profile file; a bad file names its path and the fields at fault. */
const readValidated = <T>(schema: z.ZodType<T>, path: string): T => {
  const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
};

export const loadProfile = (name: string, dir = DIR): LatencyProfile => {
  const profile = readValidated(LatencyProfile, join(dir, `${name}.json`));
  if (profile.name !== name) throw new Error(`${name}.json: name is "${profile.name}"`);
  return profile;
};

export const loadBusSweep = (dir = DIR): BusSweep =>
  readValidated(BusSweep, join(dir, 'bus-sweep.json'));

/** Every profile file in the folder, validated (the sweep is checked against its base). */
export const loadAllProfiles = (dir = DIR): LatencyProfile[] => {
  const names = readdirSync(dir)
    .filter((file) => file.endsWith('.json') && file !== 'bus-sweep.json')
    .map((file) => file.replace(/\.json$/, ''))
    .sort();
  const profiles = names.map((name) => loadProfile(name, dir));
  const sweep = loadBusSweep(dir);
  if (!names.includes(sweep.base)) throw new Error(`bus-sweep.json: no profile "${sweep.base}"`);
  return profiles;
};

/** The profile with the bus delivery moved to a sweep point. */
export const withBusDelivery = (
  profile: LatencyProfile,
  sweep: BusSweep,
  medianMs: number,
): LatencyProfile => ({
  ...profile,
  name: `${profile.name}, bus ${medianMs} ms`,
  busDelivery: { medianMs, p99Ms: medianMs * sweep.p99OverMedian, basis: sweep.basis },
});

const EC2_READ = /^(Describe|Search|Get)/;
const DYNAMODB_READ = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);

/** Which of the profile's call kinds a proxied request is. */
export const callKind = (call: ProxiedCall): CallKind => {
  switch (call.service) {
    case 'ec2':
      return EC2_READ.test(call.operation) ? 'ec2Read' : 'ec2Write';
    case 'dynamodb': {
      if (DYNAMODB_READ.has(call.operation)) return 'dynamodbRead';
      const body = call.body as { ConditionExpression?: unknown } | undefined;
      return body?.ConditionExpression === undefined ? 'dynamodbWrite' : 'dynamodbConditionalWrite';
    }
    case 'events':
      return 'putEvents';
    default:
      return 'sts';
  }
};

/** The fault proxy's rules that give every call its profile's round trip. */
export const profileRules = (profile: LatencyProfile): FaultRule[] =>
  CALL_KINDS.map((kind) => ({
    when: (call: ProxiedCall) => callKind(call) === kind,
    fault: {
      kind: 'roundTrip',
      medianMs: profile.calls[kind].medianMs,
      p99Ms: profile.calls[kind].p99Ms,
    },
  }));

/** "source" or "assumption", for the printed table of sources. */
export const describeBasis = (basis: Basis): string =>
  'source' in basis ? `${basis.source} (${basis.says})` : `assumption: ${basis.assumption}`;
