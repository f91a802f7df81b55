import {
  CreateRouteCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Filter,
  paginateDescribeRouteTables,
  ReplaceRouteCommand,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { AwsCallError } from '../core/errors';
import type { RouteTables, RouteTableView, Vpcs } from '../domain/switch/ports';
import { call } from './call-error';
import { routeTarget, vpcCidrBlocks } from './ec2-shapes';

/** The view of one table for one destination; other routes are of no interest here. */
export const toView = (table: RouteTable, destination: string): RouteTableView => {
  const route = table.Routes?.find((r) => r.DestinationCidrBlock === destination);
  if (route === undefined)
    return { routeTableId: table.RouteTableId ?? '', vpcId: table.VpcId ?? '' };
  const target = routeTarget(route);
  return {
    routeTableId: table.RouteTableId ?? '',
    vpcId: table.VpcId ?? '',
    vipRoute: {
      ...(target.kind === 'eni' ? { eniId: target.id } : {}),
      ...(target.kind !== 'eni' && target.id !== 'unknown' ? { otherTarget: target.id } : {}),
      state: route.State ?? 'unknown',
    },
  };
};

/** Every page of a filtered DescribeRouteTables. Always filtered by VPC: another VPC's table is never read. */
export const describeTables = async (client: EC2Client, filters: Filter[]): Promise<RouteTable[]> =>
  call('DescribeRouteTables', async () => {
    const tables: RouteTable[] = [];
    for await (const page of paginateDescribeRouteTables(
      { client, pageSize: 100 },
      { Filters: filters },
    )) {
      tables.push(...(page.RouteTables ?? []));
    }
    return tables;
  });

export const makeRouteTables = (read: EC2Client, write: EC2Client): RouteTables => ({
  withRoute: async (vpcId, destination) =>
    (
      await describeTables(read, [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'route.destination-cidr-block', Values: [destination] },
      ])
    ).map((table) => toView(table, destination)),

  byIds: async (vpcId, routeTableIds, destination) =>
    routeTableIds.length === 0
      ? []
      : (
          await describeTables(read, [
            { Name: 'vpc-id', Values: [vpcId] },
            { Name: 'route-table-id', Values: [...routeTableIds] },
          ])
        ).map((table) => toView(table, destination)),

  replaceRoute: async (routeTableId, destination, eniId) => {
    await call('ReplaceRoute', () =>
      write.send(
        new ReplaceRouteCommand({
          RouteTableId: routeTableId,
          DestinationCidrBlock: destination,
          NetworkInterfaceId: eniId,
        }),
      ),
    );
  },

  createRoute: async (routeTableId, destination, eniId) => {
    await call('CreateRoute', () =>
      write.send(
        new CreateRouteCommand({
          RouteTableId: routeTableId,
          DestinationCidrBlock: destination,
          NetworkInterfaceId: eniId,
        }),
      ),
    );
  },
});

export const makeVpcs = (read: EC2Client): Vpcs => ({
  cidrBlocks: async (vpcId) => {
    const output = await call('DescribeVpcs', () =>
      read.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })),
    );
    const vpc = output.Vpcs?.[0];
    if (vpc === undefined) {
      throw new AwsCallError(
        `DescribeVpcs returned no VPC ${vpcId}`,
        'InvalidVpcID.NotFound',
        false,
      );
    }
    return vpcCidrBlocks(vpc);
  },
});
