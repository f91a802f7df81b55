import { z } from 'zod';
import { normaliseVip } from '../core/ip';
import { NAME } from '../core/names';

export { ROUTEKEEPER_SOURCE as SOURCE } from './routekeeper-source';

/**
 * `Route Switch Requested` v1: "make <vip> of <cluster> route to <node>, on the strength of a claim made at
 * <orderToken>". Published only by routekeeper (heartbeat and drift functions); consumed by routeSwitch.
 * The target ENI is deliberately absent: routeSwitch takes it from the configuration, never from an event.
 */
export const DETAIL_TYPE = 'Route Switch Requested';

export const SwitchReason = z.enum(['failover', 'repair', 'bootstrap']);
export type SwitchReason = z.infer<typeof SwitchReason>;

const Name = z.string().regex(NAME);

export const RouteSwitchRequested = z.strictObject({
  version: z.literal('1'),
  cluster: Name,
  vip: z
    .string()
    .refine((text) => normaliseVip(text) !== undefined, 'must be an IPv4 address, bare or /32')
    .transform((text) => normaliseVip(text) as string),
  node: Name,
  /**
   * The claim's order: the node's signed claim time in epoch milliseconds, capped at the time routekeeper
   * received the claim. Higher wins; routeSwitch refuses a token more than a few seconds in its future.
   */
  orderToken: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** Derived from the signed claim (not the capped token): redelivery of the same key never repeats the effect. */
  idempotencyKey: z.string().regex(/^[A-Za-z0-9#:._/-]{1,200}$/),
  reason: SwitchReason,
  /** When routekeeper published the request (ISO 8601). */
  requestedAt: z.iso.datetime(),
});

export type RouteSwitchRequested = z.output<typeof RouteSwitchRequested>;
