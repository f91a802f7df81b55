/** What the intake flow needs from the outside world: key stores and the liveness records. */

/** Where a cluster's verification keys are kept (SSM parameters or a Secrets Manager secret): raw entries. */
export interface KeyStore {
  load(cluster: string, options: { readonly forceFetch: boolean }): Promise<unknown[]>;
}

/** One heartbeat as the liveness record keeps it. */
export interface Heartbeat {
  readonly cluster: string;
  readonly node: string;
  readonly msgId: string;
  /** The node's signed send time, epoch ms. */
  readonly sentAt: number;
  /** routekeeper's receive time, epoch ms. */
  readonly receivedAtMs: number;
  readonly vipsHeld: readonly string[];
  readonly instanceId?: string;
  readonly enis?: readonly string[];
}

export type LivenessResult =
  | { readonly recorded: true; readonly previousSeenAtMs?: number }
  /** A newer heartbeat of the node is already recorded (events arrive out of order). */
  | { readonly recorded: false };

export interface LivenessStore {
  /** Conditional write: only a heartbeat signed later than the recorded one (or the same message again) lands. */
  record(heartbeat: Heartbeat): Promise<LivenessResult>;
}
