import { sourceOf, toBase64Url } from '../../core/lkrc';
import {
  DETAIL_TYPE as FAILOVER,
  FailoverClaim,
  type FailoverClaimInput,
} from '../../events/lifekeeper-failover';
import { DETAIL_TYPE as HEARTBEAT, HeartbeatReport } from '../../events/lifekeeper-heartbeat';
import { SCHEME_VERSION, type SignedDetail } from '../../events/lifekeeper-signed';
import { type SigningKey, signFields } from './signing';

/** What a node puts on the bus: one PutEvents entry, before the bus name is added. */
export interface NodeNotification {
  readonly source: string;
  readonly detailType: string;
  readonly detail: SignedDetail;
}

export interface Sender {
  readonly cluster: string;
  readonly node: string;
  readonly instanceId?: string;
}

/**
 * `msgId` is unique per message; a resend of the same message keeps it (that is what makes resends
 * harmless). The time, from the node's clock in epoch ms, carries the name it has in the signed body:
 * `claimedAt` for a failover claim, `sentAt` for a heartbeat.
 */
export type Stamp<T extends 'claimedAt' | 'sentAt'> = { readonly msgId: string } & {
  readonly [K in T]: number;
};

/**
 * Encode the command, sign it with every key and wrap it in the lkrc v1 detail. The command is checked
 * against its own schema first, so a node never signs something routekeeper would reject as malformed.
 */
const seal = (
  detailType: string,
  sender: Sender,
  command: { msgId: string; ts: number },
  keys: readonly SigningKey[],
): NodeNotification => {
  if (keys.length === 0) throw new Error('at least one signing key is required');
  const source = sourceOf(sender.cluster, sender.node);
  const body = toBase64Url(Buffer.from(JSON.stringify(command), 'utf8'));
  const fields = { source, detailType, msgId: command.msgId, ts: command.ts, body };
  return {
    source,
    detailType,
    detail: {
      lkrc: SCHEME_VERSION,
      msgId: command.msgId,
      ts: command.ts,
      body,
      sig: signFields(fields, keys),
    },
  };
};

const identity = (sender: Sender, msgId: string, at: number) => ({
  cluster: sender.cluster,
  node: sender.node,
  msgId,
  ts: Math.floor(at / 1000),
});

export const composeFailover = (
  sender: Sender,
  vip: string,
  stamp: Stamp<'claimedAt'>,
  keys: readonly SigningKey[],
): NodeNotification => {
  const claim: FailoverClaimInput = {
    type: 'failover',
    ...identity(sender, stamp.msgId, stamp.claimedAt),
    vip,
    claimedAt: stamp.claimedAt,
    ...(sender.instanceId === undefined ? {} : { instanceId: sender.instanceId }),
  };
  return seal(FAILOVER, sender, FailoverClaim.parse(claim), keys);
};

export const composeHeartbeat = (
  sender: Sender,
  held: { vips: readonly string[]; enis?: readonly string[] },
  stamp: Stamp<'sentAt'>,
  keys: readonly SigningKey[],
): NodeNotification => {
  const report = HeartbeatReport.parse({
    type: 'heartbeat',
    ...identity(sender, stamp.msgId, stamp.sentAt),
    sentAt: stamp.sentAt,
    vips: [...held.vips],
    ...(sender.instanceId === undefined ? {} : { instanceId: sender.instanceId }),
    ...(held.enis === undefined ? {} : { enis: [...held.enis] }),
  });
  return seal(HEARTBEAT, sender, report, keys);
};
