import { z } from 'zod';

export { ROUTEKEEPER_SOURCE as SOURCE } from './routekeeper-source';

/**
 * `Route Drift Detected` v1: one drift run found something wrong (fail) or could not tell (unknown) in one
 * cluster. Published by the drift function on the routekeeper bus, once per cluster and run, only when
 * there is such a finding. `findings` holds the non-passing results of the shared check engine; at most
 * MAX_FINDINGS are carried (`truncated` counts the rest) to stay well inside EventBridge's 256 KB.
 */
export const DETAIL_TYPE = 'Route Drift Detected';
export const MAX_FINDINGS = 100;

export const DriftFinding = z.object({
  /** Stable check id, e.g. `vpc.vip-route`. */
  check: z.string(),
  /** Finding type, e.g. `VipRouteWrongTarget`. */
  code: z.string(),
  outcome: z.enum(['fail', 'unknown']),
  severity: z.enum(['critical', 'warning']),
  stage: z.string(),
  vip: z.string().optional(),
  subject: z.string().optional(),
  evidence: z.string(),
  fix: z.string().optional(),
  /** The cluster or VIP is paused (`routekeeper pause`): reported, not repaired. Added within v1. */
  paused: z.literal(true).optional(),
});

export const RouteDriftDetected = z.object({
  version: z.literal('1'),
  cluster: z.string(),
  mode: z.enum(['report', 'repair']),
  /** When the run read the account (ISO 8601). */
  checkedAt: z.iso.datetime(),
  summary: z.object({ pass: z.number(), fail: z.number(), unknown: z.number() }),
  findings: z.array(DriftFinding),
  truncated: z.number().int().nonnegative(),
  /** VIPs for which this run published a `Route Switch Requested` with reason `repair`. */
  repairs: z.array(z.object({ vip: z.string(), node: z.string(), idempotencyKey: z.string() })),
  /** VIPs with a repairable finding that this run deliberately did not repair, and why. */
  repairsSkipped: z.array(z.object({ vip: z.string(), reason: z.string() })),
});

export type DriftFinding = z.infer<typeof DriftFinding>;
export type RouteDriftDetected = z.infer<typeof RouteDriftDetected>;
