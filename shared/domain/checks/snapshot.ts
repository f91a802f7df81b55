import type { Result } from '../../core/result';
import type { TgwRouteView, VipRecord } from '../switch/ports';
import type { NodeLiveness, Pause, TargetHistory } from './ports';

/**
 * Everything one check run needs, read once (shared/aws/snapshot.ts) and shared by every check.
 * Each part is a Read: a failed API call makes the checks that depend on it unknown, and only those.
 */
/** A read of the account: its value, or why it failed (the message, never thrown). */
export type Read<T> = Result<T, string>;

export const ok = <T>(value: T): Read<T> => ({ ok: true, value });
export const failed = <T>(error: string): Read<T> => ({ ok: false, error });

export interface VpcFacts {
  readonly id: string;
  readonly cidrs: readonly string[];
  /** The account that owns the VPC (routekeeper's own, for the cluster VPC). */
  readonly ownerId?: string;
}

export interface InstanceFacts {
  readonly id: string;
  readonly az: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly state: string;
}

export interface EniFacts {
  readonly id: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly az: string;
  readonly attachedInstanceId?: string;
  readonly sourceDestCheck: boolean;
}

export interface SubnetFacts {
  readonly id: string;
  readonly vpcId: string;
  readonly az: string;
}

export type TargetKind =
  | 'eni'
  | 'transit-gateway'
  | 'vpn-gateway'
  | 'internet-gateway'
  | 'instance'
  | 'local'
  | 'other';

export interface RouteFacts {
  readonly destination: string;
  readonly targetKind: TargetKind;
  readonly targetId: string;
  /** active | blackhole */
  readonly state: string;
}

export interface RouteTableFacts {
  readonly id: string;
  readonly vpcId: string;
  /** The VPC's main table: it serves every subnet without an explicit association. */
  readonly main: boolean;
  readonly subnetIds: readonly string[];
  readonly routes: readonly RouteFacts[];
}

export interface TgwFacts {
  readonly id: string;
  /** The account that owns the Transit Gateway; another account's TGW is visible when shared through RAM. */
  readonly ownerId?: string;
  readonly state: string;
  readonly defaultAssociation: boolean;
  readonly defaultPropagation: boolean;
}

export interface TgwAttachmentFacts {
  readonly id: string;
  readonly tgwId: string;
  readonly vpcId: string;
  readonly state: string;
  readonly subnetIds: readonly string[];
}

export interface TgwRouteFacts extends TgwRouteView {
  readonly destination: string;
}

export interface TgwTableRoutes {
  readonly routes: readonly TgwRouteFacts[];
  /** False when a search reported more routes available than it returned. */
  readonly complete: boolean;
}

export interface DxAssociationFacts {
  readonly state: string;
  readonly allowedPrefixes: readonly string[];
}

export interface Snapshot {
  readonly vpcs: Read<readonly VpcFacts[]>;
  readonly instances: Read<readonly InstanceFacts[]>;
  readonly enis: Read<readonly EniFacts[]>;
  /** Subnets of the Transit Gateway attachments. */
  readonly subnets: Read<readonly SubnetFacts[]>;
  /** Every route table of the cluster VPCs. */
  readonly routeTables: Read<readonly RouteTableFacts[]>;
  /** Route tables of any VPC with a route for a managed VIP (conflicts). */
  readonly vipRouteTables: Read<readonly RouteTableFacts[]>;
  /** By network side (`networkSide`): what routekeeper's own account, or a network role, sees. */
  readonly transitGateways: Readonly<Record<string, Read<readonly TgwFacts[]>>>;
  /** By network side, like transitGateways. */
  readonly tgwAttachments: Readonly<Record<string, Read<readonly TgwAttachmentFacts[]>>>;
  /** By Transit Gateway route table id (read through the side of the cluster that names it). */
  readonly tgwRoutes: Readonly<Record<string, Read<TgwTableRoutes>>>;
  /** By `dxKey(dxGatewayId, transitGatewayId)`; undefined value = no association. */
  readonly dxAssociations: Readonly<Record<string, Read<DxAssociationFacts | undefined>>>;
}

export const dxKey = (dxGatewayId: string, transitGatewayId: string): string =>
  `${dxGatewayId}/${transitGatewayId}`;

/** routekeeper's own account, as a network side. */
export const OWN_ACCOUNT = 'own';

/**
 * Whose view of the Transit Gateway a cluster's checks use: routekeeper's own account, or the cluster's
 * network role (config `network.roleArn`), through which its TGW and DX gateway are read.
 */
export const networkSide = (cluster: { readonly network?: { readonly roleArn: string } }): string =>
  cluster.network?.roleArn ?? OWN_ACCOUNT;

/** A side's read that was never made (a cluster outside the run): unknown, never pass. */
export const sideRead = <T>(
  reads: Readonly<Record<string, Read<T>>>,
  cluster: { readonly network?: { readonly roleArn: string } },
): Read<T> => reads[networkSide(cluster)] ?? failed('not read');

/** `unsupported`: the endpoint answered with something that is not an EC2 answer (an emulator without the call). */
export type ProbeVerdict = 'allowed' | 'denied' | 'ignored' | 'unsupported' | 'error';

/** One DryRun permission probe (doctor only). */
export interface PermissionProbe {
  readonly cluster: string;
  readonly action: 'ReplaceRoute' | 'ReplaceTransitGatewayRoute';
  readonly resource: string;
  readonly vip: string;
  readonly verdict: ProbeVerdict;
  readonly detail: string;
}

/** The controller's own records: fence records, node liveness, observed target history. */
export interface StateFacts {
  readonly records: Read<readonly VipRecord[]>;
  readonly liveness: Read<readonly (NodeLiveness & { cluster: string })[]>;
  readonly history: Read<readonly TargetHistory[]>;
  /** Maintenance mode (`routekeeper pause`) of the clusters and their VIPs. */
  readonly pauses: Read<readonly Pause[]>;
}
