import type { Route, Vpc } from '@aws-sdk/client-ec2';
import type { TargetKind } from '../domain/checks/snapshot';

/**
 * How routekeeper reads two EC2 shapes, written once for routeSwitch, drift and doctor alike.
 */

/** Association states whose block is, or may still be, routed locally inside the VPC. */
const IN_USE = new Set(['associating', 'associated', 'disassociating']);

/**
 * The VPC's IPv4 CIDR blocks for the "VIP outside the VPC" safety check: the primary block (which can
 * never be disassociated) and every extra block that is associating, associated or still disassociating.
 * Erring towards "inside" only ever refuses a write; erring the other way could route a VIP that the
 * VPC's local route already claims.
 */
export const vpcCidrBlocks = (vpc: Vpc): string[] => {
  const blocks = (vpc.CidrBlockAssociationSet ?? [])
    .filter((association) => IN_USE.has(association.CidrBlockState?.State ?? ''))
    .map((association) => association.CidrBlock);
  return [...new Set([vpc.CidrBlock, ...blocks])].filter(
    (cidr): cidr is string => cidr !== undefined && cidr !== '',
  );
};

/**
 * What a route points at. An ENI wins over an instance id (a route created for an ENI also reports the
 * instance it is attached to); anything unknown is `other` with the best id the route gives.
 */
export const routeTarget = (route: Route): { kind: TargetKind; id: string } => {
  if (route.NetworkInterfaceId) return { kind: 'eni', id: route.NetworkInterfaceId };
  if (route.TransitGatewayId) return { kind: 'transit-gateway', id: route.TransitGatewayId };
  const gateway = route.GatewayId;
  if (gateway === 'local') return { kind: 'local', id: 'local' };
  if (gateway?.startsWith('vgw-')) return { kind: 'vpn-gateway', id: gateway };
  if (gateway?.startsWith('igw-')) return { kind: 'internet-gateway', id: gateway };
  if (route.InstanceId) return { kind: 'instance', id: route.InstanceId };
  const other =
    gateway ??
    route.NatGatewayId ??
    route.VpcPeeringConnectionId ??
    route.LocalGatewayId ??
    route.CarrierGatewayId ??
    route.CoreNetworkArn ??
    'unknown';
  return { kind: 'other', id: other };
};
