import { parse } from '@aws-lambda-powertools/parser';
import type { Context } from 'aws-lambda';
import { CLUSTER, GUIDE_IDS, topologyConfig, VIP } from '../../dev/guide';
import vectors from '../../docs/test-vectors.json';
import type { HeartbeatDeps } from '../../functions/heartbeat/deps';
import { makeHandler } from '../../functions/heartbeat/handler';
import { signingKey } from '../../scripts/test-vectors';
import { parseConfig, type RoutekeeperConfig } from '../../shared/config/schema';
import {
  type Applied,
  type ApplyOnce,
  DUPLICATE,
  type IngestOutcome,
} from '../../shared/domain/intake/apply';
import {
  type CheckDeps,
  checkNotification,
  describeIssues,
  type Rejection,
  rejection,
  type VerifiedNotification,
} from '../../shared/domain/intake/check';
import {
  composeFailover,
  composeHeartbeat,
  type NodeNotification,
} from '../../shared/domain/intake/compose';
import { type Keyring, makeKeyring } from '../../shared/domain/intake/keyring';
import type { KeyStore } from '../../shared/domain/intake/ports';
import { NodeNotificationEvent } from '../../shared/events/lifekeeper-signed';
import { lambdaContext } from './events';

export { CLUSTER, signingKey, VIP };
/** The vector clock: the second the first vector was signed in. */
export const T0 = 1_764_064_800_000;

/** The guide's configuration at the fixture's ids, with cluster fields overridden. */
export const demoConfig = (extra: Record<string, unknown> = {}): RoutekeeperConfig =>
  parseConfig(topologyConfig(GUIDE_IDS, {}, extra));

/** The vector keys as a verifier's key-store entries (public keys for v1a, secrets for v1). */
export const vectorKeyEntries = (): Record<string, unknown>[] =>
  vectors.keys.map((key) =>
    key.alg === 'v1'
      ? { kid: key.kid, node: key.node, alg: key.alg, secret: key.secret }
      : { kid: key.kid, node: key.node, alg: key.alg, publicKey: key.publicKey },
  );

/** A key store in memory that records every load. */
export const memoryKeyStore = (entries: () => unknown[]) => {
  const loads: { cluster: string; forceFetch: boolean }[] = [];
  const store: KeyStore = {
    load: async (cluster, { forceFetch }) => {
      loads.push({ cluster, forceFetch });
      return cluster === CLUSTER ? structuredClone(entries()) : [];
    },
  };
  return { store, loads };
};

export const fixedClock = (ms: number) => {
  let now = ms;
  const clock = () => new Date(now);
  return Object.assign(clock, {
    set: (value: number) => {
      now = value;
    },
  });
};

export const vectorKeyring = (now: () => Date, entries = vectorKeyEntries): Keyring =>
  makeKeyring(() => [], memoryKeyStore(entries).store, now, { refreshIntervalMs: 60_000 });

export const checkDeps = (nowMs: number, overrides: Partial<CheckDeps> = {}): CheckDeps => {
  const now = () => new Date(nowMs);
  return {
    config: demoConfig(),
    keyring: vectorKeyring(now),
    now,
    toleranceSeconds: 300,
    ...overrides,
  };
};

/** An EventBridge event as the rule delivers a node's PutEvents entry. */
export const eventFromEntry = (
  entry: { Source: string; DetailType: string; Detail: string },
  time = '2026-11-25T10:00:00Z',
): Record<string, unknown> => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': entry.DetailType,
  source: entry.Source,
  account: '123456789012',
  time,
  region: 'us-east-1',
  resources: [],
  detail: JSON.parse(entry.Detail),
});

export const eventOf = (notification: NodeNotification): Record<string, unknown> =>
  eventFromEntry({
    Source: notification.source,
    DetailType: notification.detailType,
    Detail: JSON.stringify(notification.detail),
  });

let counter = 0;
const nextMsgId = () => `test-msg-${String(++counter).padStart(12, '0')}`;

export const failoverEvent = (options: {
  node?: string;
  kids?: string[];
  nowMs?: number;
  vip?: string;
  msgId?: string;
}) =>
  eventOf(
    composeFailover(
      { cluster: CLUSTER, node: options.node ?? 'node1' },
      options.vip ?? VIP,
      { msgId: options.msgId ?? nextMsgId(), claimedAt: options.nowMs ?? T0 },
      (options.kids ?? ['node1.2026-11']).map(signingKey),
    ),
  );

export const heartbeatEvent = (options: {
  node?: string;
  kids?: string[];
  nowMs?: number;
  vips?: string[];
  msgId?: string;
}) =>
  eventOf(
    composeHeartbeat(
      { cluster: CLUSTER, node: options.node ?? 'node1' },
      { vips: options.vips ?? [] },
      { msgId: options.msgId ?? nextMsgId(), sentAt: options.nowMs ?? T0 },
      (options.kids ?? ['node1.2026-11']).map(signingKey),
    ),
  );

/** What the handler does before ingesting: the Powertools parser, then the checks. */
export const check = async (
  event: unknown,
  deps: CheckDeps,
): Promise<VerifiedNotification | Rejection> => {
  const parsed = parse(event, undefined, NodeNotificationEvent, true);
  if (!parsed.success) {
    const issues = Array.isArray(parsed.error.cause) ? parsed.error.cause : [];
    return rejection('SchemaInvalid', describeIssues(issues));
  }
  return checkNotification(parsed.data, deps);
};

const appliedFor = (notification: VerifiedNotification): Applied =>
  notification.command.type === 'failover'
    ? {
        kind: 'FailoverRequested',
        source: notification.source,
        msgId: notification.msgId,
        cluster: notification.cluster,
        node: notification.node,
        vip: notification.command.vip,
        orderToken: notification.command.claimedAt,
        idempotencyKey: 'test',
        clockSkewMs: 0,
      }
    : {
        kind: 'HeartbeatRecorded',
        source: notification.source,
        msgId: notification.msgId,
        cluster: notification.cluster,
        node: notification.node,
        vipsHeld: notification.command.vips,
        clockSkewMs: 0,
        outOfOrder: false,
        mismatches: [],
        bootstrapped: [],
      };

/** An applyOnce in memory: dedupes on source#msgId like the real one, and records what it applied. */
export const memoryApplyOnce = () => {
  const seen = new Set<string>();
  const applied: VerifiedNotification[] = [];
  const applyOnce: ApplyOnce = async (notification) => {
    const key = `${notification.source}#${notification.msgId}`;
    if (seen.has(key)) return DUPLICATE;
    seen.add(key);
    applied.push(notification);
    return appliedFor(notification);
  };
  return { applyOnce, applied };
};

/** The real handler over in-memory effects. */
export const unitHandler = (nowMs: number, overrides: Partial<CheckDeps> = {}) => {
  const once = memoryApplyOnce();
  const deps: HeartbeatDeps = {
    ...checkDeps(nowMs, overrides),
    applyOnce: once.applyOnce,
    registerContext: () => undefined,
  };
  const handler = makeHandler(deps);
  return {
    applied: once.applied,
    handle: (event: unknown): Promise<IngestOutcome> => handler(event, lambdaContext() as Context),
  };
};
