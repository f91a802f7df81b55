import { findCluster, findNode, findVip } from '../../config/lookup';
import type { RoutekeeperConfig } from '../../config/schema';
import { fromBase64Url, parseSource } from '../../core/lkrc';
import type { Clock } from '../../core/ports';
import { DETAIL_TYPE as FAILOVER, FailoverClaim } from '../../events/lifekeeper-failover';
import { HeartbeatReport } from '../../events/lifekeeper-heartbeat';
import { type NodeNotificationEvent, SCHEME_VERSION } from '../../events/lifekeeper-signed';
import type { Keyring } from './keyring';
import { recognisedSignatures, verifySignatures } from './signing';

/** Every way a node notification is turned away, in the order the checks run. */
export const REJECT_REASONS = [
  'SchemaInvalid',
  'BadVersion',
  'TooOld',
  'TooNew',
  'UnknownKey',
  'BadSignature',
  'SourceMismatch',
  'UnknownNode',
  'UnknownVip',
  'Duplicate',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** A typed rejection: counted, logged (never with key material, signatures or the decoded body), not retried. */
export interface Rejection {
  readonly kind: 'Rejected';
  readonly reason: RejectReason;
  readonly detail: string;
  readonly source?: string;
  readonly msgId?: string;
  /** What the node sent, once the envelope parsed: a refused failover claim is a lost failover. */
  readonly notification?: 'failover' | 'heartbeat';
}

export type NodeCommand =
  | ({ readonly type: 'failover' } & Omit<FailoverClaim, 'type'>)
  | ({ readonly type: 'heartbeat' } & Omit<HeartbeatReport, 'type'>);

/** A notification that passed every check but the message-id dedupe. Plain JSON (idempotency stores it). */
export interface VerifiedNotification {
  readonly kind: 'Verified';
  readonly source: string;
  readonly msgId: string;
  readonly cluster: string;
  readonly node: string;
  /** The key id whose signature was accepted. */
  readonly kid: string;
  readonly receivedAtMs: number;
  readonly command: NodeCommand;
}

export interface CheckDeps {
  readonly config: RoutekeeperConfig;
  readonly keyring: Keyring;
  readonly now: Clock;
  /** Accepted clock difference between node and routekeeper, both directions (default 300 s). */
  readonly toleranceSeconds: number;
}

/**
 * How long a message id is remembered for dedupe. A message signed `tolerance` ahead of routekeeper's
 * clock is first admissible at ts - tolerance and still admissible at ts + tolerance: the record must
 * outlive that whole window (plus a minute for clock and delivery slack), or a replay would apply twice.
 */
export const dedupeWindowSeconds = (toleranceSeconds: number): number => 2 * toleranceSeconds + 60;

export const rejection = (
  reason: RejectReason,
  detail: string,
  context: Pick<Rejection, 'source' | 'msgId' | 'notification'> = {},
): Rejection => ({ kind: 'Rejected', reason, detail, ...context });

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const SAFE_SEGMENT = /^[A-Za-z0-9_-]{1,32}$/;

/** Schema problems as `path:code` only: messages and unknown key names may echo attacker-chosen text. */
export const describeIssues = (
  issues: readonly { path: readonly PropertyKey[]; code: string }[],
): string =>
  issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path
        .map((segment) =>
          typeof segment === 'number' || SAFE_SEGMENT.test(String(segment)) ? String(segment) : '?',
        )
        .join('.');
      return `${path || '(root)'}:${issue.code}`;
    })
    .join(', ');

/** base64url → UTF-8 → JSON (no prototype keys) → the command schema of the detail-type. */
export const decodeCommand = (
  detailType: string,
  body: string,
): { ok: true; command: NodeCommand } | { ok: false; detail: string } => {
  const bytes = fromBase64Url(body);
  if (bytes === undefined) return { ok: false, detail: 'body is not canonical base64url' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, detail: 'body is not UTF-8' };
  }
  let forbidden = false;
  let json: unknown;
  try {
    json = JSON.parse(text, (key, value) => {
      if (FORBIDDEN_KEYS.has(key)) forbidden = true;
      return value;
    });
  } catch {
    return { ok: false, detail: 'body is not JSON' };
  }
  if (forbidden)
    return { ok: false, detail: 'body uses a forbidden key (__proto__, constructor, prototype)' };
  const parsed =
    detailType === FAILOVER ? FailoverClaim.safeParse(json) : HeartbeatReport.safeParse(json);
  if (!parsed.success) return { ok: false, detail: `body: ${describeIssues(parsed.error.issues)}` };
  return { ok: true, command: parsed.data };
};

/**
 * Decide whether to believe a node notification whose envelope already passed the schema.
 * Primary course: version → body → timestamp window → keys → signature and node binding → configuration.
 * Each failed check is a typed rejection; only key-store faults throw (they are worth a retry).
 */
export const checkNotification = async (
  event: NodeNotificationEvent,
  deps: CheckDeps,
): Promise<VerifiedNotification | Rejection> => {
  const { source, detail } = event;
  const detailType = event['detail-type'];
  const notification = detailType === FAILOVER ? 'failover' : 'heartbeat';
  const reject = (reason: RejectReason, text: string) =>
    rejection(reason, text, { source, msgId: detail.msgId, notification });

  if (detail.lkrc !== SCHEME_VERSION) {
    return reject('BadVersion', `scheme version "${detail.lkrc}" is not supported`);
  }
  const signatures = recognisedSignatures(detail.sig);
  if (signatures.length === 0) {
    return reject('BadVersion', 'no signature uses a supported algorithm (v1, v1a)');
  }
  const decoded = decodeCommand(detailType, detail.body);
  if (!decoded.ok) return reject('SchemaInvalid', decoded.detail);
  const { command } = decoded;
  if (command.msgId !== detail.msgId || command.ts !== detail.ts) {
    return reject('SchemaInvalid', 'body msgId or ts differs from the signed detail');
  }

  const receivedAtMs = deps.now().getTime();
  const age = Math.floor(receivedAtMs / 1000) - detail.ts;
  if (age > deps.toleranceSeconds) return reject('TooOld', `signed ${age} s ago`);
  if (-age > deps.toleranceSeconds) return reject('TooNew', `signed ${-age} s in the future`);

  const named = parseSource(source);
  if (named === undefined) return reject('SchemaInvalid', 'source');
  const kids = [...new Set(signatures.map((signature) => signature.kid))];
  const keys = await deps.keyring.lookup(named.cluster, kids);
  const verdict = verifySignatures({
    fields: { source, detailType, msgId: detail.msgId, ts: detail.ts, body: detail.body },
    signatures,
    keys,
    body: { cluster: command.cluster, node: command.node },
    nowMs: receivedAtMs,
  });
  if (!verdict.ok) return reject(verdict.reason, verdict.detail);

  const cluster = findCluster(deps.config, named.cluster);
  if (cluster === undefined || findNode(cluster, named.node) === undefined) {
    return reject(
      'UnknownNode',
      `node "${named.node}" of cluster "${named.cluster}" is not configured`,
    );
  }
  const vips = command.type === 'failover' ? [command.vip] : command.vips;
  const unknown = vips.filter((vip) => findVip(cluster, vip) === undefined);
  if (unknown.length > 0) {
    return reject(
      'UnknownVip',
      `VIP ${unknown.join(', ')} is not configured in cluster "${cluster.name}"`,
    );
  }
  return {
    kind: 'Verified',
    source,
    msgId: detail.msgId,
    cluster: named.cluster,
    node: named.node,
    kid: verdict.kid,
    receivedAtMs,
    command,
  };
};
