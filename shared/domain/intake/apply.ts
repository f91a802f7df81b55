import type { Clock, EventPublisher } from '../../core/ports';
import type { NodeNotificationEvent } from '../../events/lifekeeper-signed';
import {
  DETAIL_TYPE as ROUTE_SWITCH_REQUESTED,
  RouteSwitchRequested,
  type SwitchReason,
} from '../../events/route-switch-requested';
import type { VipRecordStore } from '../switch/ports';
import {
  type CheckDeps,
  checkNotification,
  type Rejection,
  rejection,
  type VerifiedNotification,
} from './check';
import type { LivenessStore } from './ports';

export interface FailoverRequested {
  readonly kind: 'FailoverRequested';
  readonly source: string;
  readonly msgId: string;
  readonly cluster: string;
  readonly node: string;
  readonly vip: string;
  /** The signed claim time capped at the receive time (see switchRequest). */
  readonly orderToken: number;
  readonly idempotencyKey: string;
  /** Receive time − signed claim time: negative when the node's clock runs ahead (its token was capped). */
  readonly clockSkewMs: number;
}

export interface HeartbeatRecorded {
  readonly kind: 'HeartbeatRecorded';
  readonly source: string;
  readonly msgId: string;
  readonly cluster: string;
  readonly node: string;
  readonly vipsHeld: readonly string[];
  /** Receive time − signed time: how far the node's clock is behind (positive) or ahead, plus transit. */
  readonly clockSkewMs: number;
  /** Time since the node's previous recorded heartbeat, when there was one. */
  readonly heartbeatAgeMs?: number;
  /** True when a later heartbeat of the node was already recorded: this one changed nothing. */
  readonly outOfOrder: boolean;
  /** VIPs this node holds in service that the fence record assigns to another node. */
  readonly mismatches: readonly { readonly vip: string; readonly owner: string }[];
  /** VIPs without a fence record yet, for which a `bootstrap` switch was requested. */
  readonly bootstrapped: readonly string[];
}

export type Applied = FailoverRequested | HeartbeatRecorded;
export type IngestOutcome = Applied | Rejection;

export interface ApplyDeps {
  readonly liveness: LivenessStore;
  readonly state: Pick<VipRecordStore, 'read'>;
  readonly bus: EventPublisher;
  readonly now: Clock;
}

/**
 * The `Route Switch Requested` for a claim. This is where a claim's time becomes its order token:
 * `claimedAt` at the node and in the signed body (a heartbeat's `sentAt` for a bootstrap), `orderToken`
 * from here on, through the fence and the record.
 * The token is the signed claim time capped at the time routekeeper received it: a node whose clock runs
 * ahead cannot order its claim after claims that reach routekeeper later (it would own the VIP until the
 * controller's clock caught up). A node whose clock runs behind only hurts its own claims.
 * The idempotency key derives from the signed claim, never from the capped token: a redelivery of the same
 * message is received later, so its capped token may be higher, yet it must replay the first delivery's
 * outcome (routeSwitch's idempotency store answers it) rather than win or lose anew.
 */
/** Derived from the signed claim alone, so the claimant can name its request too (lk-notify failover --wait). */
export const claimIdempotencyKey = (
  reason: SwitchReason,
  claim: { cluster: string; vip: string; node: string; claimedAt: number },
): string => `${reason}#${claim.cluster}#${claim.vip}#${claim.node}#${claim.claimedAt}`;

export const switchRequest = (
  reason: SwitchReason,
  claim: { cluster: string; vip: string; node: string; claimedAt: number; receivedAtMs: number },
  now: Date,
): RouteSwitchRequested =>
  RouteSwitchRequested.parse({
    version: '1',
    cluster: claim.cluster,
    vip: claim.vip,
    node: claim.node,
    orderToken: Math.min(claim.claimedAt, claim.receivedAtMs),
    idempotencyKey: claimIdempotencyKey(reason, claim),
    reason,
    requestedAt: now.toISOString(),
  });

/**
 * The effect of a verified notification, run at most once per message id.
 * Failover: ask routeSwitch to move the VIP (fencing stays there). Heartbeat: record liveness; a held VIP
 * without a fence record is bootstrapped, one recorded for another node is an ownership mismatch.
 * A publish the bus refuses throws (PublishError): the message id is released and the event retried.
 */
export const applyNotification = async (
  notification: VerifiedNotification,
  deps: ApplyDeps,
): Promise<Applied> => {
  const { source, msgId, cluster, node, command, receivedAtMs } = notification;
  if (command.type === 'failover') {
    const request = switchRequest(
      'failover',
      { cluster, vip: command.vip, node, claimedAt: command.claimedAt, receivedAtMs },
      deps.now(),
    );
    await deps.bus.publish(ROUTE_SWITCH_REQUESTED, request);
    const { vip, orderToken, idempotencyKey } = request;
    return {
      kind: 'FailoverRequested',
      source,
      msgId,
      cluster,
      node,
      vip,
      orderToken,
      idempotencyKey,
      clockSkewMs: receivedAtMs - command.claimedAt,
    };
  }

  const base = {
    kind: 'HeartbeatRecorded' as const,
    source,
    msgId,
    cluster,
    node,
    vipsHeld: command.vips,
    clockSkewMs: receivedAtMs - command.sentAt,
  };
  const recorded = await deps.liveness.record({
    cluster,
    node,
    msgId,
    sentAt: command.sentAt,
    receivedAtMs,
    vipsHeld: command.vips,
    ...(command.instanceId === undefined ? {} : { instanceId: command.instanceId }),
    ...(command.enis === undefined ? {} : { enis: command.enis }),
  });
  if (!recorded.recorded) return { ...base, outOfOrder: true, mismatches: [], bootstrapped: [] };

  const records = await Promise.all(command.vips.map((vip) => deps.state.read(cluster, vip)));
  const mismatches: { vip: string; owner: string }[] = [];
  const bootstrapped: string[] = [];
  for (const [index, vip] of command.vips.entries()) {
    const record = records[index];
    if (record === undefined) {
      const request = switchRequest(
        'bootstrap',
        { cluster, vip, node, claimedAt: command.sentAt, receivedAtMs },
        deps.now(),
      );
      await deps.bus.publish(ROUTE_SWITCH_REQUESTED, request);
      bootstrapped.push(vip);
    } else if (record.owner !== node) {
      mismatches.push({ vip, owner: record.owner });
    }
  }
  return {
    ...base,
    ...(recorded.previousSeenAtMs === undefined
      ? {}
      : { heartbeatAgeMs: receivedAtMs - recorded.previousSeenAtMs }),
    outOfOrder: false,
    mismatches,
    bootstrapped,
  };
};

/** The marker an idempotent runner returns for a message id it has already seen (or is running now). */
export const DUPLICATE = 'Duplicate' as const;
export type ApplyOnce = (notification: VerifiedNotification) => Promise<Applied | typeof DUPLICATE>;

/**
 * Check a node notification and apply it once. Primary course: the checks of checkNotification, then the
 * effect under the message-id dedupe (`source#msgId`): a resend after a partial PutEvents failure, or a
 * replay inside the window, is a Duplicate with no second effect.
 */
export const ingestNotification = async (
  event: NodeNotificationEvent,
  deps: CheckDeps & { readonly applyOnce: ApplyOnce },
): Promise<IngestOutcome> => {
  const checked = await checkNotification(event, deps);
  if (checked.kind === 'Rejected') return checked;
  const applied = await deps.applyOnce(checked);
  return applied === DUPLICATE
    ? rejection('Duplicate', 'message id already seen', {
        source: checked.source,
        msgId: checked.msgId,
      })
    : applied;
};
