import { IdempotencyKeyReusedError } from '../../core/errors';
import type { TgwAction, TgwFinding } from './tgw-plan';

export interface TableFailure {
  readonly routeTableId: string;
  /** The EC2 error code, or RouteMissing / RouteTableNotInClusterVpc. */
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

export interface TgwResult {
  readonly finding: TgwFinding | 'Unknown';
  readonly action: TgwAction | 'failed';
  readonly code?: string;
  readonly retryable?: boolean;
}

/** What happened in one Transit Gateway route table of the VIP. */
export interface TgwTableResult extends TgwResult {
  readonly routeTableId: string;
}

/**
 * How one route switch request ended. Expected rejections are outcomes, not exceptions:
 * - Switched / AlreadyInPlace: every managed table routes the VIP to the owner's ENI;
 * - Partial: some tables could not be written (see failed); VerifyTimeout: writes not yet visible (pending);
 * - RejectedStale: fenced off, nothing written for this claim; `changed` lists tables put back on the
 *   recorded owner, when a superseded writer had left them elsewhere;
 * - SplitBrainSuspected: fenced off, nothing written;
 * - Refused: the request or the environment is unsafe to act on (refusal and detail say why), nothing
 *   written and the claim not recorded (but NoManagedTables/RouteTablesUnreadable: recorded REFUSED).
 */
export type OutcomeKind =
  | 'Switched'
  | 'AlreadyInPlace'
  | 'Partial'
  | 'VerifyTimeout'
  | 'RejectedStale'
  | 'SplitBrainSuspected'
  | 'Refused';

export interface SwitchOutcome {
  readonly kind: OutcomeKind;
  /** The node the VIP belongs to after this request, when known. */
  readonly owner?: string;
  readonly changed: readonly string[];
  readonly failed: readonly TableFailure[];
  readonly pending: readonly string[];
  /** The Transit Gateway summary: the worst of tgwTables (a failure, else a table that needed work). */
  readonly tgw?: TgwResult;
  /** When the VIP has several Transit Gateway route tables: each, with its own finding and action. */
  readonly tgwTables?: readonly TgwTableResult[];
  /** Set on `Refused` outcomes. */
  readonly refusal?: RefusalReason;
  /** Refusal reason, the recorded claim that fenced this one off, or the newer owner reconciled to. */
  readonly detail?: string;
}

/** Why a request was refused with nothing written; the first word of the outcome's detail too. */
export type RefusalReason =
  | 'SchemaInvalid'
  | 'UnknownCluster'
  | 'UnknownVip'
  | 'UnknownNode'
  | 'OrderTokenInFuture'
  | 'VpcUnreadable'
  | 'RouteTablesUnreadable'
  | 'VipInsideVpc'
  | 'EniUnreadable'
  | 'EniNotFound'
  | 'EniDetached'
  | 'EniOutsideVpc'
  | 'NoManagedTables'
  | 'IdempotencyKeyReused';

const SUCCESS: ReadonlySet<OutcomeKind> = new Set(['Switched', 'AlreadyInPlace']);
const REJECTION: ReadonlySet<OutcomeKind> = new Set([
  'RejectedStale',
  'SplitBrainSuspected',
  'Refused',
]);

/** Every managed table routes the VIP to the owner's ENI. */
export const isSuccess = (outcome: SwitchOutcome): boolean => SUCCESS.has(outcome.kind);

/**
 * The rejection reason of an outcome that wrote nothing on purpose (a refusal's reason, or the fence's
 * verdict), or undefined for every other outcome.
 */
export const rejectionReason = (
  outcome: SwitchOutcome,
): RefusalReason | 'RejectedStale' | 'SplitBrainSuspected' | undefined =>
  !REJECTION.has(outcome.kind)
    ? undefined
    : outcome.kind === 'Refused'
      ? outcome.refusal
      : (outcome.kind as 'RejectedStale' | 'SplitBrainSuspected');

/** A request refused before anything was written. */
export const refused = (refusal: RefusalReason, detail: string): SwitchOutcome => ({
  kind: 'Refused',
  refusal,
  changed: [],
  failed: [],
  pending: [],
  detail: `${refusal}: ${detail}`,
});

/** A claim the fence turned away: the recorded claim stands, nothing written. */
export const fencedOff = (
  kind: 'RejectedStale' | 'SplitBrainSuspected',
  detail: string,
  owner: string,
): SwitchOutcome => ({ kind, owner, changed: [], failed: [], pending: [], detail });

/** A switch left work that a later attempt can finish (throttled or 5xx writes); the event is retried. */
export class RetryableSwitchError extends Error {
  constructor(
    message: string,
    readonly failures: readonly { routeTableId: string; code: string }[],
  ) {
    super(message);
    this.name = 'RetryableSwitchError';
  }
}

/**
 * The outcome of a fault that is an answer rather than a failure, or undefined when the fault must be
 * thrown and retried. A reused idempotency key (the same claim came again naming another node or ENI,
 * e.g. the node's ENI changed in the configuration within the idempotency TTL) is refused under its own
 * reason: it is a configuration change to look at, not two nodes claiming the VIP at once.
 */
export const outcomeOfFault = (error: unknown): SwitchOutcome | undefined =>
  error instanceof IdempotencyKeyReusedError
    ? refused('IdempotencyKeyReused', error.message)
    : undefined;
