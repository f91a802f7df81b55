import {
  DescribeDirectConnectGatewayAssociationsCommand,
  type DirectConnectClient,
} from '@aws-sdk/client-direct-connect';
import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTransitGatewayRouteTablesCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  SearchTransitGatewayRoutesCommand,
} from '@aws-sdk/client-ec2';
import { toAwsCallError } from '../core/errors';
import { attempt } from '../core/result';
import type { Read, RouteTableFacts } from '../domain/checks/snapshot';
import { call } from './call-error';
import { vpcCidrBlocks } from './ec2-shapes';
import { describeTables } from './route-tables';
import { toRouteTableFacts } from './snapshot';

/** What `routekeeper init` reads of an account, each part on its own so one failure leaves the rest. */
export interface Discovery {
  readonly vpcCidrs: Read<string[]>;
  readonly instances: Read<{ id: string; name?: string; vpcId: string }[]>;
  /** Network interfaces attached to the node instances. */
  readonly enis: Read<
    {
      id: string;
      instanceId: string;
      deviceIndex: number;
      vpcId: string;
      sourceDestCheck: boolean;
    }[]
  >;
  readonly routeTables: Read<RouteTableFacts[]>;
  /** Transit Gateway attachments of the VPC. */
  readonly attachments: Read<{ id: string; tgwId: string; state: string }[]>;
  /** Per Transit Gateway route table of the attached TGW(s): its static routes. */
  readonly tgwRouteTables: Read<
    { id: string; tgwId: string; routes: { destination: string; attachmentIds: string[] }[] }[]
  >;
  /** Direct Connect gateway associations of the TGW(s). */
  readonly dxGateways: Read<{ dxGatewayId: string; tgwId: string }[]>;
}

export interface DiscoveryClients {
  readonly ec2: EC2Client;
  readonly directConnect: DirectConnectClient;
}

const read = <T>(operation: string, work: () => Promise<T>): Promise<Read<T>> =>
  attempt(work, (error) => toAwsCallError(error, operation).message);

export const discover = async (
  { ec2, directConnect }: DiscoveryClients,
  vpcId: string,
  instanceIds: readonly string[],
): Promise<Discovery> => {
  const [vpcCidrs, instances, enis, routeTables, attachments] = await Promise.all([
    read('DescribeVpcs', async () => {
      const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0];
      if (vpc === undefined) throw new Error(`no VPC ${vpcId}`);
      return vpcCidrBlocks(vpc);
    }),
    read('DescribeInstances', async () =>
      (
        (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [...instanceIds] })))
          .Reservations ?? []
      ).flatMap((r) =>
        (r.Instances ?? []).map((i) => {
          const name = i.Tags?.find((t) => t.Key === 'Name')?.Value;
          return { id: i.InstanceId ?? '', vpcId: i.VpcId ?? '', ...(name ? { name } : {}) };
        }),
      ),
    ),
    read('DescribeNetworkInterfaces', async () =>
      (
        (
          await ec2.send(
            new DescribeNetworkInterfacesCommand({
              Filters: [{ Name: 'attachment.instance-id', Values: [...instanceIds] }],
            }),
          )
        ).NetworkInterfaces ?? []
      ).map((e) => ({
        id: e.NetworkInterfaceId ?? '',
        instanceId: e.Attachment?.InstanceId ?? '',
        deviceIndex: e.Attachment?.DeviceIndex ?? 0,
        vpcId: e.VpcId ?? '',
        sourceDestCheck: e.SourceDestCheck !== false,
      })),
    ),
    read('DescribeRouteTables', async () =>
      (await describeTables(ec2, [{ Name: 'vpc-id', Values: [vpcId] }])).map(toRouteTableFacts),
    ),
    read('DescribeTransitGatewayVpcAttachments', async () =>
      (
        (
          await ec2.send(
            new DescribeTransitGatewayVpcAttachmentsCommand({
              Filters: [{ Name: 'vpc-id', Values: [vpcId] }],
            }),
          )
        ).TransitGatewayVpcAttachments ?? []
      )
        .filter((a) => a.State !== 'deleted' && a.State !== 'deleting')
        .map((a) => ({
          id: a.TransitGatewayAttachmentId ?? '',
          tgwId: a.TransitGatewayId ?? '',
          state: a.State ?? 'unknown',
        })),
    ),
  ]);
  const tgwIds = attachments.ok ? [...new Set(attachments.value.map((a) => a.tgwId))] : [];
  const [tgwRouteTables, dxGateways] = await Promise.all([
    read('DescribeTransitGatewayRouteTables', async () => {
      if (tgwIds.length === 0) return [];
      const tables =
        (
          await ec2.send(
            new DescribeTransitGatewayRouteTablesCommand({
              Filters: [{ Name: 'transit-gateway-id', Values: tgwIds }],
            }),
          )
        ).TransitGatewayRouteTables ?? [];
      return Promise.all(
        tables.map(async (table) => {
          const id = table.TransitGatewayRouteTableId ?? '';
          const output = await call('SearchTransitGatewayRoutes', () =>
            ec2.send(
              new SearchTransitGatewayRoutesCommand({
                TransitGatewayRouteTableId: id,
                Filters: [{ Name: 'type', Values: ['static'] }],
              }),
            ),
          );
          return {
            id,
            tgwId: table.TransitGatewayId ?? '',
            routes: (output.Routes ?? []).map((route) => ({
              destination: route.DestinationCidrBlock ?? '',
              attachmentIds: (route.TransitGatewayAttachments ?? [])
                .map((a) => a.TransitGatewayAttachmentId)
                .filter((a): a is string => a !== undefined),
            })),
          };
        }),
      );
    }),
    read('DescribeDirectConnectGatewayAssociations', async () =>
      (
        await Promise.all(
          tgwIds.map(async (tgwId) =>
            (
              (
                await directConnect.send(
                  new DescribeDirectConnectGatewayAssociationsCommand({
                    associatedGatewayId: tgwId,
                  }),
                )
              ).directConnectGatewayAssociations ?? []
            )
              .filter((a) => a.associationState !== 'disassociated')
              .map((a) => ({ dxGatewayId: a.directConnectGatewayId ?? '', tgwId })),
          ),
        )
      ).flat(),
    ),
  ]);
  return { vpcCidrs, instances, enis, routeTables, attachments, tgwRouteTables, dxGateways };
};
