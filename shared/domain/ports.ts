/** What the domain needs from the outside world, as plain types. Adapters in shared/aws implement them. */

export type Phase = 'INTENT' | 'APPLIED' | 'PARTIAL' | 'REFUSED';

/** The per-VIP fence record: who owns the VIP, on the strength of which claim. It only moves forward. */
export interface VipRecord {
  readonly cluster: string;
  readonly vip: string;
  readonly owner: string;
  readonly eni: string;
  readonly orderToken: number;
  readonly idempotencyKey: string;
  readonly reason: string;
  readonly phase: Phase;
  readonly updatedAt: string;
}

export interface Claim {
  readonly cluster: string;
  readonly vip: string;
  readonly node: string;
  readonly eni: string;
  readonly orderToken: number;
  readonly idempotencyKey: string;
  readonly reason: string;
}

export type AdvanceResult =
  | { readonly accepted: true; readonly previous: VipRecord | undefined }
  | { readonly accepted: false; readonly current: VipRecord };

export interface StateStore {
  /** Conditional write: succeeds only when the claim is newer than the record, or replays its own claim. */
  advance(claim: Claim, now: Date): Promise<AdvanceResult>;
  /** Strongly consistent read. */
  read(cluster: string, vip: string): Promise<VipRecord | undefined>;
  /**
   * Record how the claim ended, when it is still the record's claim (conditional write). Otherwise
   * nothing is written and the record that replaced it comes back: the fence re-check and the phase
   * update cost one round trip together.
   */
  markPhase(
    claim: Claim,
    phase: Phase,
    now: Date,
  ): Promise<
    { readonly current: true } | { readonly current: false; readonly record: VipRecord | undefined }
  >;
}

/** A VPC route table as far as one VIP is concerned. */
export interface RouteTableView {
  readonly routeTableId: string;
  readonly vpcId: string;
  /** The VIP/32 route, when the table has one. */
  readonly vipRoute?: {
    /** Target ENI, when the route targets a network interface. */
    readonly eniId?: string;
    /** Any other target (instance, gateway, ...), described. */
    readonly otherTarget?: string;
    readonly state: string;
  };
}

export interface RouteTables {
  /** Tables of the VPC that carry a route for the destination (vpc-id + route.destination-cidr-block filters). */
  withRoute(vpcId: string, destination: string): Promise<RouteTableView[]>;
  /** The named tables, restricted to the VPC (tables of other VPCs are simply not returned). */
  byIds(
    vpcId: string,
    routeTableIds: readonly string[],
    destination: string,
  ): Promise<RouteTableView[]>;
  replaceRoute(routeTableId: string, destination: string, eniId: string): Promise<void>;
  createRoute(routeTableId: string, destination: string, eniId: string): Promise<void>;
}

export interface Vpcs {
  /** The VPC's associated IPv4 CIDR blocks. */
  cidrBlocks(vpcId: string): Promise<string[]>;
}

export interface TgwRouteView {
  readonly type: 'static' | 'propagated' | string;
  readonly state: string;
  readonly attachmentIds: readonly string[];
}

export interface TransitGatewayRoutes {
  /** Routes whose destination is exactly the CIDR; `complete` is false when the search was cut short. */
  exactRoutes(
    routeTableId: string,
    destination: string,
  ): Promise<{ routes: TgwRouteView[]; complete: boolean }>;
  createRoute(routeTableId: string, destination: string, attachmentId: string): Promise<void>;
  replaceRoute(routeTableId: string, destination: string, attachmentId: string): Promise<void>;
}

export interface EventPublisher {
  /** Throws PublishError when the bus did not accept the event. */
  publish(detailType: string, detail: object): Promise<void>;
}

export type Sleep = (ms: number) => Promise<void>;
export type Clock = () => Date;

/** What the heartbeat function records per node: `node#<cluster>#<node>` in the state table. */
export interface NodeLiveness {
  readonly node: string;
  /** When routekeeper last accepted a heartbeat of the node (ISO 8601). */
  readonly lastSeen: string;
  /** Receive time minus the node's signed time of that heartbeat, in milliseconds. */
  readonly clockSkewMs: number;
}

export interface Liveness {
  /** The liveness records of the named nodes of a cluster; a node that never sent a heartbeat is absent. */
  read(cluster: string, nodes: readonly string[]): Promise<NodeLiveness[]>;
}

/** Many fence records at once (drift and doctor read every VIP of a stage in one go). */
export interface VipRecords {
  readMany(keys: readonly { cluster: string; vip: string }[]): Promise<VipRecord[]>;
}

/**
 * The VIP targets the drift check observed: `observed#<cluster>#<vip>` in the state table. `target` is
 * the last observed target (ENI ids of the managed tables, sorted and joined), `changes` the times it
 * was seen to change, pruned to the flapping window.
 */
export interface TargetHistory {
  readonly cluster: string;
  readonly vip: string;
  readonly target: string;
  readonly changes: readonly string[];
  readonly updatedAt: string;
}

export interface TargetHistoryStore {
  readMany(keys: readonly { cluster: string; vip: string }[]): Promise<TargetHistory[]>;
  /** Conditional on the item being unchanged since `previous` was read; false when another run won. */
  write(history: TargetHistory, previous: TargetHistory | undefined): Promise<boolean>;
}

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
  readonly signedAtMs: number;
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
