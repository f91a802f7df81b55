import { z } from 'zod';

export { ROUTEKEEPER_SOURCE as SOURCE } from './routekeeper-source';

/**
 * `Route Switch Completed` / `Route Switch Failed` v1: what routeSwitch did with one request.
 * Completed = every managed table routes the VIP to the owner (Switched or AlreadyInPlace);
 * Failed = anything else, with the outcome kind and, per table, why.
 */
export const COMPLETED = 'Route Switch Completed';
export const FAILED = 'Route Switch Failed';

export const TableFailure = z.object({
  routeTableId: z.string(),
  code: z.string(),
  message: z.string(),
});

export const RouteSwitchResult = z.object({
  version: z.literal('1'),
  cluster: z.string(),
  vip: z.string(),
  /** The node the request asked for. */
  node: z.string(),
  /** The node that owns the VIP after this request (may differ when the request was fenced off). */
  owner: z.string().optional(),
  orderToken: z.number(),
  idempotencyKey: z.string(),
  reason: z.string(),
  /**
   * Switched, AlreadyInPlace, Partial, VerifyTimeout, RejectedStale, SplitBrainSuspected or Refused. A
   * RejectedStale result may list in `changed` the tables it put back on the recorded owner.
   */
  outcome: z.string(),
  /**
   * Why a `Refused` request was refused: SchemaInvalid, UnknownCluster, UnknownVip, UnknownNode,
   * OrderTokenInFuture, VpcUnreadable, VipInsideVpc, EniUnreadable, EniNotFound, EniDetached,
   * EniOutsideVpc, RouteTablesUnreadable, NoManagedTables or IdempotencyKeyReused (also the first word
   * of `detail`). Optional: added within v1, absent on every other outcome.
   */
  refusal: z.string().optional(),
  changed: z.array(z.string()),
  failed: z.array(TableFailure),
  /** `<finding>/<action>` of the Transit Gateway route table that fared worst (a failure, else one that needed work). */
  transitGateway: z.string().optional(),
  /**
   * Each configured Transit Gateway route table of the VIP: its finding (InPlace, Missing, PropagatedOnly,
   * Blackhole, WrongAttachment, TargetUnobservable, SearchIncomplete, Unknown) and action (none, create,
   * replace, failed). Optional: added within v1, present only when the VIP has several Transit Gateway
   * route tables (with one, `transitGateway` is that table's).
   */
  transitGatewayRoutes: z
    .array(z.object({ routeTableId: z.string(), finding: z.string(), action: z.string() }))
    .optional(),
  detail: z.string().optional(),
  /**
   * Who ran an operator switch (`routekeeper switch`, reason `operator`), when and why. Optional: added
   * within v1, absent on LifeKeeper claims and repairs.
   */
  initiatedBy: z.object({ principal: z.string(), at: z.string(), reason: z.string() }).optional(),
  durationMs: z.number(),
});

export type RouteSwitchResult = z.infer<typeof RouteSwitchResult>;
