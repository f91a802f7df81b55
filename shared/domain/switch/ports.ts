import type { RoutekeeperConfig } from '../../config/schema';
import type { Clock, EventPublisher, Sleep } from '../../core/ports';

/** What the switch flow needs from the outside world: the VIP records (the fence), route tables, VPCs, ENIs and TGW routes. */

export type Phase = 'INTENT' | 'APPLIED' | 'PARTIAL' | 'REFUSED';

/** Who moved a VIP by hand (`routekeeper switch`), when and why: the audit an operator switch carries. */
export interface OperatorAudit {
  /** The caller identity's ARN (STS GetCallerIdentity) of the credentials that ran the switch. */
  readonly principal: string;
  /** When the operator ran it (ISO 8601). */
  readonly at: string;
  readonly reason: string;
}

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
  /** Present when the recorded claim is an operator switch (its audit). */
  readonly initiatedBy?: OperatorAudit;
}

export interface Claim {
  readonly cluster: string;
  readonly vip: string;
  readonly node: string;
  readonly eni: string;
  readonly orderToken: number;
  readonly idempotencyKey: string;
  readonly reason: string;
  /** Set on an operator switch only; recorded with the claim. */
  readonly initiatedBy?: OperatorAudit;
}

export type AdvanceResult =
  | { readonly accepted: true; readonly previous: VipRecord | undefined }
  | { readonly accepted: false; readonly current: VipRecord };

export interface VipRecordStore {
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

/** A network interface as far as a claim is concerned: does it exist, in which VPC, attached to what. */
export type EniView =
  | { readonly exists: false }
  | { readonly exists: true; readonly vpcId: string; readonly attachedInstanceId?: string };

export interface Enis {
  describe(eniId: string): Promise<EniView>;
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

export interface SwitchSettings {
  /** How long to keep re-reading route tables until written routes are visible (EC2 is eventually consistent). */
  readonly verifyBudgetMs: number;
  /** Route writes in flight at once (EC2's mutating bucket is 50 deep, refilling 5/s per account and region). */
  readonly writeConcurrency: number;
  /** Plan-apply-verify rounds before giving up on converging with concurrent changes. */
  readonly maxRounds: number;
}

export interface SwitchDeps {
  readonly config: RoutekeeperConfig;
  readonly state: VipRecordStore;
  readonly bus: EventPublisher;
  readonly routes: RouteTables;
  readonly vpcs: Vpcs;
  readonly enis: Enis;
  readonly tgw: TransitGatewayRoutes;
  readonly now: Clock;
  readonly sleep: Sleep;
  readonly settings: SwitchSettings;
}
