import {
  DescribeDirectConnectGatewayAssociationsCommand,
  type DirectConnectClient,
} from '@aws-sdk/client-direct-connect';
import {
  type EC2Client,
  type Filter,
  paginateDescribeInstances,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeSubnets,
  paginateDescribeTransitGateways,
  paginateDescribeTransitGatewayVpcAttachments,
  paginateDescribeVpcs,
  type Route,
  type RouteTable,
  SearchTransitGatewayRoutesCommand,
} from '@aws-sdk/client-ec2';
import pLimit from 'p-limit';
import type { ClusterConfig } from '../config/schema';
import { toAwsCallError } from '../core/errors';
import { vipDestination } from '../core/ip';
import { attempt } from '../core/result';
import {
  type DxAssociationFacts,
  dxKey,
  type EniFacts,
  failed,
  type InstanceFacts,
  networkSide,
  type Read,
  type RouteFacts,
  type RouteTableFacts,
  type Snapshot,
  type SubnetFacts,
  type TgwAttachmentFacts,
  type TgwFacts,
  type TgwRouteFacts,
  type TgwTableRoutes,
  type VpcFacts,
} from '../domain/checks/snapshot';
import type { NetworkClientsOf } from './clients';
import { routeTarget, vpcCidrBlocks } from './ec2-shapes';

/**
 * Reads everything one check run needs, for every cluster at once, with batched filters and pagination:
 * the number of EC2 calls grows with the VPCs' route tables (pages of 100) and the Transit Gateway route
 * tables (two searches each), not with VIPs × tables. Every call is filtered, so it draws from EC2's
 * non-mutating bucket (100 burst, 20/s), never the stricter unfiltered one. A failed call fails only its
 * own part of the snapshot.
 */
export interface SnapshotClients {
  readonly ec2: EC2Client;
  readonly directConnect: DirectConnectClient;
  /**
   * The clients of a cluster's network role (config `network`), for its Transit Gateway and Direct
   * Connect reads. Absent: everything is read with the clients above.
   */
  readonly network?: NetworkClientsOf;
}

export type Progress = (message: string) => void;

/** Filter values per call; EC2 caps values per filter, and 100 keeps requests small. */
const CHUNK = 100;
/** Reads in flight at once: the bucket is shared with everything else in the account. */
const CONCURRENCY = 4;

const chunks = <T>(values: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(values.slice(i, i + CHUNK));
  return out;
};

const unique = (values: readonly (string | undefined)[]): string[] =>
  [...new Set(values.filter((v): v is string => v !== undefined))].sort();

const attemptRead = <T>(operation: string, read: () => Promise<T>): Promise<Read<T>> =>
  attempt(read, (error) => toAwsCallError(error, operation).message);

/** Every page of every chunk: `page` runs one paginated, filtered describe. */
const collect = async <T>(
  values: readonly string[],
  page: (chunk: string[]) => AsyncIterable<T[]>,
): Promise<T[]> => {
  const items: T[] = [];
  for (const chunk of chunks(values)) {
    for await (const batch of page(chunk)) items.push(...batch);
  }
  return items;
};

const targetFacts = (route: Route) => {
  const { kind, id } = routeTarget(route);
  return { targetKind: kind, targetId: id };
};

export const toRouteTableFacts = (table: RouteTable): RouteTableFacts => ({
  id: table.RouteTableId ?? '',
  vpcId: table.VpcId ?? '',
  main: (table.Associations ?? []).some((a) => a.Main === true),
  subnetIds: unique((table.Associations ?? []).map((a) => a.SubnetId)),
  routes: (table.Routes ?? [])
    .filter((r) => r.DestinationCidrBlock !== undefined)
    .map(
      (r): RouteFacts => ({
        destination: r.DestinationCidrBlock as string,
        ...targetFacts(r),
        state: r.State ?? 'active',
      }),
    ),
});

const describeRouteTables = (ec2: EC2Client, name: string, values: readonly string[]) =>
  collect(values, (chunk) =>
    pages(
      paginateDescribeRouteTables(
        { client: ec2, pageSize: 100 },
        { Filters: [{ Name: name, Values: chunk }] },
      ),
      (p) => (p.RouteTables ?? []).map(toRouteTableFacts),
    ),
  );

async function* pages<P, T>(paginator: AsyncIterable<P>, items: (page: P) => T[]) {
  for await (const page of paginator) yield items(page);
}

/** Both searches a TGW route table needs: all static routes, and all propagated ones (for PropagatedOnly). */
const searchTgwRoutes = async (ec2: EC2Client, routeTableId: string): Promise<TgwTableRoutes> => {
  const search = async (type: 'static' | 'propagated') => {
    const output = await ec2.send(
      new SearchTransitGatewayRoutesCommand({
        TransitGatewayRouteTableId: routeTableId,
        Filters: [{ Name: 'type', Values: [type] }],
      }),
    );
    return {
      complete: output.AdditionalRoutesAvailable !== true,
      routes: (output.Routes ?? []).map(
        (route): TgwRouteFacts => ({
          destination: route.DestinationCidrBlock ?? '',
          type: route.Type ?? type,
          state: route.State ?? 'unknown',
          attachmentIds: unique(
            (route.TransitGatewayAttachments ?? []).map((a) => a.TransitGatewayAttachmentId),
          ),
        }),
      ),
    };
  };
  const [statics, propagated] = [await search('static'), await search('propagated')];
  return {
    routes: [...statics.routes, ...propagated.routes],
    complete: statics.complete && propagated.complete,
  };
};

const readDxAssociation = async (
  client: DirectConnectClient,
  dxGatewayId: string,
  transitGatewayId: string,
): Promise<DxAssociationFacts | undefined> => {
  let nextToken: string | undefined;
  do {
    const output = await client.send(
      new DescribeDirectConnectGatewayAssociationsCommand({
        directConnectGatewayId: dxGatewayId,
        associatedGatewayId: transitGatewayId,
        ...(nextToken === undefined ? {} : { nextToken }),
      }),
    );
    const association = (output.directConnectGatewayAssociations ?? []).find(
      (a) => a.associatedGateway?.id === transitGatewayId && a.associationState !== 'disassociated',
    );
    if (association !== undefined) {
      return {
        state: association.associationState ?? 'unknown',
        allowedPrefixes: unique(
          (association.allowedPrefixesToDirectConnectGateway ?? []).map((p) => p.cidr),
        ),
      };
    }
    nextToken = output.nextToken;
  } while (nextToken);
  return undefined;
};

export const readSnapshot = async (
  clients: SnapshotClients,
  clusters: readonly ClusterConfig[],
  progress: Progress = () => undefined,
): Promise<Snapshot> => {
  const { ec2 } = clients;
  const limit = pLimit(CONCURRENCY);
  const step = <T>(what: string, operation: string, read: () => Promise<T>) =>
    limit(async () => {
      progress(`reading ${what}`);
      return attemptRead(operation, read);
    });
  const filter = (name: string, values: string[]): Filter[] => [{ Name: name, Values: values }];

  const vpcIds = unique(clusters.map((c) => c.vpcId));
  const instanceIds = unique(clusters.flatMap((c) => c.nodes.map((n) => n.instanceId)));
  const eniIds = unique(clusters.flatMap((c) => c.nodes.map((n) => n.eniId)));
  const vipRoutes = unique(clusters.flatMap((c) => c.vips.map((v) => vipDestination(v.address))));
  // The Transit Gateway side of each cluster: routekeeper's own account, or its network role.
  const sideOf = (cluster: ClusterConfig) => {
    const own = { role: undefined, ec2Read: ec2, directConnect: clients.directConnect };
    const side = clients.network?.(cluster.network) ?? own;
    return { ec2: side.ec2Read, directConnect: side.directConnect ?? clients.directConnect };
  };
  const sides = [...new Map(clusters.map((c) => [networkSide(c), c] as const)).entries()].map(
    ([side, first]) => {
      const members = clusters.filter((c) => networkSide(c) === side);
      return {
        side,
        client: sideOf(first),
        tgwIds: unique(members.map((c) => c.transitGatewayId)),
        vpcIds: unique(members.map((c) => c.vpcId)),
      };
    },
  );
  const tgwTables = [
    ...new Map(
      clusters.flatMap((c) =>
        c.vips.flatMap((v) => v.transitGatewayRoutes.map((r) => [r.routeTableId, c] as const)),
      ),
    ).entries(),
  ].sort(([a], [b]) => a.localeCompare(b));
  const dxPairs = [
    ...new Map(
      clusters.flatMap((c) =>
        c.directConnectGatewayId && c.transitGatewayId
          ? [[dxKey(c.directConnectGatewayId, c.transitGatewayId), c] as const]
          : [],
      ),
    ).values(),
  ];

  const vpcs = step('VPCs', 'DescribeVpcs', () =>
    collect(vpcIds, (chunk) =>
      pages(
        paginateDescribeVpcs({ client: ec2, pageSize: 1000 }, { Filters: filter('vpc-id', chunk) }),
        (p) =>
          (p.Vpcs ?? []).map(
            (vpc): VpcFacts => ({
              id: vpc.VpcId ?? '',
              cidrs: vpcCidrBlocks(vpc),
              ...(vpc.OwnerId ? { ownerId: vpc.OwnerId } : {}),
            }),
          ),
      ),
    ),
  );
  const instances = step('node instances', 'DescribeInstances', () =>
    collect(instanceIds, (chunk) =>
      pages(
        paginateDescribeInstances(
          { client: ec2, pageSize: 1000 },
          { Filters: filter('instance-id', chunk) },
        ),
        (p) =>
          (p.Reservations ?? []).flatMap((r) =>
            (r.Instances ?? []).map(
              (i): InstanceFacts => ({
                id: i.InstanceId ?? '',
                az: i.Placement?.AvailabilityZone ?? '',
                subnetId: i.SubnetId ?? '',
                vpcId: i.VpcId ?? '',
                state: i.State?.Name ?? 'unknown',
              }),
            ),
          ),
      ),
    ),
  );
  const enis = step('node network interfaces', 'DescribeNetworkInterfaces', () =>
    collect(eniIds, (chunk) =>
      pages(
        paginateDescribeNetworkInterfaces(
          { client: ec2, pageSize: 1000 },
          { Filters: filter('network-interface-id', chunk) },
        ),
        (p) =>
          (p.NetworkInterfaces ?? []).map(
            (e): EniFacts => ({
              id: e.NetworkInterfaceId ?? '',
              vpcId: e.VpcId ?? '',
              subnetId: e.SubnetId ?? '',
              az: e.AvailabilityZone ?? '',
              ...(e.Attachment?.InstanceId ? { attachedInstanceId: e.Attachment.InstanceId } : {}),
              sourceDestCheck: e.SourceDestCheck !== false,
            }),
          ),
      ),
    ),
  );
  const routeTables = step('route tables of the cluster VPCs', 'DescribeRouteTables', () =>
    describeRouteTables(ec2, 'vpc-id', vpcIds),
  );
  const vipRouteTables = step(
    'route tables of any VPC that route a VIP',
    'DescribeRouteTables',
    () => describeRouteTables(ec2, 'route.destination-cidr-block', vipRoutes),
  );
  const transitGateways = sides.map(
    ({ side, client, tgwIds }) =>
      [
        side,
        step('Transit Gateways', 'DescribeTransitGateways', () =>
          collect(tgwIds, (chunk) =>
            pages(
              paginateDescribeTransitGateways(
                { client: client.ec2, pageSize: 1000 },
                { Filters: filter('transit-gateway-id', chunk) },
              ),
              (p) =>
                (p.TransitGateways ?? []).map(
                  (t): TgwFacts => ({
                    id: t.TransitGatewayId ?? '',
                    ...(t.OwnerId ? { ownerId: t.OwnerId } : {}),
                    state: t.State ?? 'unknown',
                    defaultAssociation: t.Options?.DefaultRouteTableAssociation === 'enable',
                    defaultPropagation: t.Options?.DefaultRouteTablePropagation === 'enable',
                  }),
                ),
            ),
          ),
        ),
      ] as const,
  );
  const tgwAttachments = sides.map(
    ({ side, client, tgwIds, vpcIds: sideVpcs }) =>
      [
        side,
        step('Transit Gateway VPC attachments', 'DescribeTransitGatewayVpcAttachments', () =>
          tgwIds.length === 0
            ? Promise.resolve([])
            : collect(sideVpcs, (chunk) =>
                pages(
                  paginateDescribeTransitGatewayVpcAttachments(
                    { client: client.ec2, pageSize: 1000 },
                    {
                      Filters: [
                        { Name: 'transit-gateway-id', Values: tgwIds },
                        { Name: 'vpc-id', Values: chunk },
                      ],
                    },
                  ),
                  (p) =>
                    (p.TransitGatewayVpcAttachments ?? []).map(
                      (a): TgwAttachmentFacts => ({
                        id: a.TransitGatewayAttachmentId ?? '',
                        tgwId: a.TransitGatewayId ?? '',
                        vpcId: a.VpcId ?? '',
                        state: a.State ?? 'unknown',
                        subnetIds: unique(a.SubnetIds ?? []),
                      }),
                    ),
                ),
              ),
        ),
      ] as const,
  );
  const tgwRoutes = tgwTables.map(
    ([id, cluster]) =>
      [
        id,
        step(`Transit Gateway routes of ${id}`, 'SearchTransitGatewayRoutes', () =>
          searchTgwRoutes(sideOf(cluster).ec2, id),
        ),
      ] as const,
  );
  const dxAssociations = dxPairs.map((cluster) => {
    const dx = cluster.directConnectGatewayId as string;
    const tgw = cluster.transitGatewayId as string;
    return [
      dxKey(dx, tgw),
      step(
        `Direct Connect gateway ${dx} associations`,
        'DescribeDirectConnectGatewayAssociations',
        () => readDxAssociation(sideOf(cluster).directConnect, dx, tgw),
      ),
    ] as const;
  });
  const attachmentReads = await Promise.all(
    tgwAttachments.map(async ([side, read]) => [side, await read] as const),
  );
  // The attachments' subnets are the cluster VPCs' own: read in routekeeper's account, whoever owns the TGW.
  const subnetIds = unique(
    attachmentReads.flatMap(([, read]) => (read.ok ? read.value.flatMap((a) => a.subnetIds) : [])),
  );
  const unreadableSides = attachmentReads.filter(([, read]) => !read.ok);
  const subnets: Promise<Read<SubnetFacts[]>> =
    unreadableSides.length === attachmentReads.length && unreadableSides.length > 0
      ? Promise.resolve(
          failed(
            `attachments unreadable: ${unreadableSides.map(([, read]) => (read.ok ? '' : read.error)).join('; ')}`,
          ),
        )
      : step('attachment subnets', 'DescribeSubnets', () =>
          collect(subnetIds, (chunk) =>
            pages(
              paginateDescribeSubnets(
                { client: ec2, pageSize: 1000 },
                { Filters: filter('subnet-id', chunk) },
              ),
              (p) =>
                (p.Subnets ?? []).map(
                  (s): SubnetFacts => ({
                    id: s.SubnetId ?? '',
                    vpcId: s.VpcId ?? '',
                    az: s.AvailabilityZone ?? '',
                  }),
                ),
            ),
          ),
        );

  const snapshot: Snapshot = {
    vpcs: await vpcs,
    instances: await instances,
    enis: await enis,
    subnets: await subnets,
    routeTables: await routeTables,
    vipRouteTables: await vipRouteTables,
    transitGateways: Object.fromEntries(
      await Promise.all(transitGateways.map(async ([side, read]) => [side, await read] as const)),
    ),
    tgwAttachments: Object.fromEntries(attachmentReads),
    tgwRoutes: Object.fromEntries(
      await Promise.all(tgwRoutes.map(async ([id, read]) => [id, await read] as const)),
    ),
    dxAssociations: Object.fromEntries(
      await Promise.all(dxAssociations.map(async ([key, read]) => [key, await read] as const)),
    ),
  };
  progress('read complete');
  return snapshot;
};
