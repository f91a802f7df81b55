import { z } from 'zod';
import { normaliseVip } from '../core/ip';
import { PATTERNS } from '../core/lkrc';
import { NAME } from '../core/names';

/**
 * `LifeKeeper Failover` v1: "node X brought the hierarchy of VIP V in service at `claimedAt`": a claim.
 * Carried base64url-encoded in the signed detail's `body`; `msgId` and `ts` repeat the detail's.
 * `claimedAt` (epoch ms) becomes the `Route Switch Requested` order token, so it must fall in the signed
 * second `ts`.
 */
export const DETAIL_TYPE = 'LifeKeeper Failover';

export const Vip = z
  .string()
  .max(18)
  .refine((text) => normaliseVip(text) !== undefined, 'must be an IPv4 address, bare or /32')
  .transform((text) => normaliseVip(text) as string);

export const InstanceId = z.string().regex(/^i-[0-9a-f]{8}([0-9a-f]{9})?$/);

export const FailoverClaim = z
  .strictObject({
    type: z.literal('failover'),
    cluster: z.string().regex(NAME),
    node: z.string().regex(NAME),
    msgId: z.string().regex(PATTERNS.msgId),
    ts: z.number().int().positive(),
    vip: Vip,
    claimedAt: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    instanceId: InstanceId.optional(),
  })
  .refine((claim) => Math.floor(claim.claimedAt / 1000) === claim.ts, {
    message: 'claimedAt must lie within the signed second ts',
    path: ['claimedAt'],
  });
export type FailoverClaim = z.output<typeof FailoverClaim>;
export type FailoverClaimInput = z.input<typeof FailoverClaim>;
