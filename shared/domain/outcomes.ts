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

/**
 * How one route switch request ended. Expected rejections are outcomes, not exceptions:
 * - Switched / AlreadyInPlace: every managed table routes the VIP to the owner's ENI;
 * - Partial: some tables could not be written (see failed); VerifyTimeout: writes not yet visible (pending);
 * - RejectedStale / SplitBrainSuspected: fenced off, nothing written;
 * - Refused: the request or the environment is unsafe to act on (detail says why), nothing written.
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
  readonly tgw?: TgwResult;
  /** Refusal reason, the recorded claim that fenced this one off, or the newer owner reconciled to. */
  readonly detail?: string;
}

export const SUCCESS_KINDS: readonly OutcomeKind[] = ['Switched', 'AlreadyInPlace'];

export const rejected = (kind: OutcomeKind, detail: string, owner?: string): SwitchOutcome => ({
  kind,
  ...(owner === undefined ? {} : { owner }),
  changed: [],
  failed: [],
  pending: [],
  detail,
});
