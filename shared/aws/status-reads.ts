import { type EC2Client, SearchTransitGatewayRoutesCommand } from '@aws-sdk/client-ec2';
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { ClusterConfig } from '../config/schema';
import { toAwsCallError } from '../core/errors';
import { attempt } from '../core/result';
import type { Read, TgwRouteFacts } from '../domain/checks/snapshot';
import type { StatusFacts } from '../domain/checks/status';
import { call } from './call-error';
import { isPauseItem, toPause } from './maintenance';
import { describeTables } from './route-tables';
import { toRouteTableFacts } from './snapshot';
import { toRecord } from './vip-records';

export interface StatusClients {
  readonly ec2: EC2Client;
  readonly documents: DynamoDBDocumentClient;
}

export interface StatusTables {
  readonly state: string;
  readonly liveness: string;
}

const read = <T>(operation: string, work: () => Promise<T>): Promise<Read<T>> =>
  attempt(work, (error) => toAwsCallError(error, operation).message);

const scan = async (client: DynamoDBDocumentClient, tableName: string) =>
  call(`Scan(${tableName})`, async () => {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateScan(
      { client },
      { TableName: tableName, ConsistentRead: true },
    )) {
      items.push(...(page.Items ?? []));
    }
    return items;
  });

/**
 * Everything `routekeeper status` shows, in a fixed number of calls whatever the number of VIPs:
 * - one DescribeRouteTables filtered by the cluster VPCs (every table: listed tables without the VIP route
 *   are shown too; pages of 100 tables). Not filtered by the VIP destinations: AWS OR-s several values of
 *   one filter, but moto AND-s them (a table would need every VIP), and listed tables without the route
 *   would be missing;
 * - one SearchTransitGatewayRoutes (static routes) per Transit Gateway route table the VIPs name;
 * - one Scan of the state table (fence records and pauses) and one of the liveness table (both small:
 *   an item per VIP, per pause and per node; pages of 1 MB).
 */
export const readStatusFacts = async (
  clients: StatusClients,
  tables: StatusTables,
  clusters: readonly ClusterConfig[],
): Promise<StatusFacts> => {
  const vpcIds = [...new Set(clusters.map((c) => c.vpcId))].sort();
  const tgwTables = [
    ...new Set(
      clusters.flatMap((c) =>
        c.vips.flatMap((v) => v.transitGatewayRoutes.map((r) => r.routeTableId)),
      ),
    ),
  ].sort();
  const [routeTables, tgwRoutes, state, liveness] = await Promise.all([
    read('DescribeRouteTables', async () =>
      (await describeTables(clients.ec2, [{ Name: 'vpc-id', Values: vpcIds }])).map(
        toRouteTableFacts,
      ),
    ),
    Promise.all(
      tgwTables.map(
        async (id) =>
          [
            id,
            await read('SearchTransitGatewayRoutes', async () => {
              const output = await clients.ec2.send(
                new SearchTransitGatewayRoutesCommand({
                  TransitGatewayRouteTableId: id,
                  Filters: [{ Name: 'type', Values: ['static'] }],
                }),
              );
              return {
                complete: output.AdditionalRoutesAvailable !== true,
                routes: (output.Routes ?? []).map(
                  (route): TgwRouteFacts => ({
                    destination: route.DestinationCidrBlock ?? '',
                    type: route.Type ?? 'static',
                    state: route.State ?? 'unknown',
                    attachmentIds: (route.TransitGatewayAttachments ?? [])
                      .map((a) => a.TransitGatewayAttachmentId)
                      .filter((a): a is string => a !== undefined),
                  }),
                ),
              };
            }),
          ] as const,
      ),
    ),
    read('Scan(state)', () => scan(clients.documents, tables.state)),
    read('Scan(liveness)', () => scan(clients.documents, tables.liveness)),
  ]);
  const fenceItem = (item: Record<string, unknown>) =>
    !isPauseItem(item) && typeof item.owner === 'string' && typeof item.orderToken === 'number';
  return {
    routeTables,
    tgwRoutes: Object.fromEntries(tgwRoutes),
    records: state.ok ? { ok: true, value: state.value.filter(fenceItem).map(toRecord) } : state,
    pauses: state.ok ? { ok: true, value: state.value.filter(isPauseItem).map(toPause) } : state,
    liveness: liveness.ok
      ? {
          ok: true,
          value: liveness.value
            .filter((item) => typeof item.lastSeenAt === 'string')
            .map((item) => ({
              cluster: String(item.cluster),
              node: String(item.node),
              lastSeen: String(item.lastSeenAt),
              clockSkewMs: Number(item.clockSkewMs ?? 0),
            })),
        }
      : liveness,
  };
};
