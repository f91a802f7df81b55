import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import { MAX_TS, PATTERNS } from '../core/lkrc';
import { DETAIL_TYPE as FAILOVER } from './lifekeeper-failover';
import { DETAIL_TYPE as HEARTBEAT } from './lifekeeper-heartbeat';

/**
 * The signed `detail` that LifeKeeper nodes put on the routekeeper bus (scheme "lkrc v1", docs/signing.md),
 * under source `lifekeeper.<cluster>.<node>` and detail-type `LifeKeeper Failover` | `LifeKeeper Heartbeat`.
 * Every field is pattern-checked here, before any of it reaches the canonical string or a log line.
 */
export const SCHEME_VERSION = '1';
export const NODE_DETAIL_TYPES = [FAILOVER, HEARTBEAT] as const;
export type NodeDetailType = (typeof NODE_DETAIL_TYPES)[number];
export const MAX_SIGNATURES = 4;

export const SignatureEntry = z.strictObject({
  kid: z.string().max(100).regex(PATTERNS.kid),
  alg: z.string().max(20).regex(PATTERNS.alg),
  value: z.string().max(300).regex(PATTERNS.value),
});

export const SignedDetail = z.strictObject({
  /** The scheme version; anything but "1" is BadVersion, not SchemaInvalid. */
  lkrc: z.string().regex(/^[0-9]{1,3}$/),
  msgId: z.string().max(100).regex(PATTERNS.msgId),
  ts: z.number().int().positive().max(MAX_TS),
  body: z.string().max(9000).regex(PATTERNS.body),
  sig: z.array(SignatureEntry).min(1).max(MAX_SIGNATURES),
});
export type SignedDetail = z.output<typeof SignedDetail>;

/** The whole EventBridge event as the heartbeat Lambda receives it (parsed with the Powertools parser). */
export const NodeNotificationEvent = EventBridgeSchema.extend({
  source: z.string().max(120).regex(PATTERNS.source),
  'detail-type': z.enum(NODE_DETAIL_TYPES),
  detail: SignedDetail,
});
export type NodeNotificationEvent = z.output<typeof NodeNotificationEvent>;
