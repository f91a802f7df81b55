import { z } from 'zod';
import { PATTERNS } from '../core/lkrc';
import { NAME } from '../core/names';
import { InstanceId, Vip } from './lifekeeper-failover';

/**
 * `LifeKeeper Heartbeat` v1: "node X is alive at `sentAt` and holds these VIPs in service" (none on a
 * standby). Carried base64url-encoded in the signed detail's `body`; `msgId` and `ts` repeat the detail's.
 */
export const DETAIL_TYPE = 'LifeKeeper Heartbeat';
export const MAX_VIPS = 16;

export const HeartbeatReport = z
  .strictObject({
    type: z.literal('heartbeat'),
    cluster: z.string().regex(NAME),
    node: z.string().regex(NAME),
    msgId: z.string().regex(PATTERNS.msgId),
    ts: z.number().int().positive(),
    sentAt: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    vips: z.array(Vip).max(MAX_VIPS),
    instanceId: InstanceId.optional(),
    enis: z
      .array(z.string().regex(/^eni-[0-9a-f]{8}([0-9a-f]{9})?$/))
      .max(16)
      .optional(),
  })
  .refine((report) => Math.floor(report.sentAt / 1000) === report.ts, {
    message: 'sentAt must lie within the signed second ts',
    path: ['sentAt'],
  })
  .refine((report) => new Set(report.vips).size === report.vips.length, {
    message: 'a VIP is listed twice',
    path: ['vips'],
  });
export type HeartbeatReport = z.output<typeof HeartbeatReport>;
export type HeartbeatReportInput = z.input<typeof HeartbeatReport>;
