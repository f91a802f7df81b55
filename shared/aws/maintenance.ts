import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MaintenanceStore, Pause } from '../domain/checks/ports';
import { call } from './call-error';
import { batchGet } from './state-records';

/**
 * Maintenance mode in the state table, beside the fence records: `pause#<cluster>` pauses a cluster,
 * `pause#<cluster>#<vip>` one VIP; attributes cluster, vip (VIP pauses), by, at, reason. Separate items,
 * so that pausing never touches a fence record (or creates one for a VIP nobody has claimed yet).
 */
export const pauseKey = (cluster: string, vip?: string): string =>
  vip === undefined ? `pause#${cluster}` : `pause#${cluster}#${vip}`;

export const toPause = (item: Record<string, unknown>): Pause => ({
  cluster: String(item.cluster),
  ...(typeof item.vip === 'string' ? { vip: item.vip } : {}),
  by: String(item.by),
  at: String(item.at),
  reason: String(item.reason),
});

export const isPauseItem = (item: Record<string, unknown>): boolean =>
  String(item.pk).startsWith('pause#');

export const makeMaintenanceStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
): MaintenanceStore => ({
  readMany: async (keys) =>
    (
      await batchGet(
        client,
        tableName,
        keys.flatMap(({ cluster, vips }) => [
          pauseKey(cluster),
          ...vips.map((vip) => pauseKey(cluster, vip)),
        ]),
        true,
      )
    ).map(toPause),

  pause: async (pause) => {
    await call('PutItem(pause)', () =>
      client.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: pauseKey(pause.cluster, pause.vip), ...pause },
        }),
      ),
    );
  },

  resume: async (cluster, vips, wholeCluster) => {
    const keys = [
      ...(wholeCluster ? [pauseKey(cluster)] : []),
      ...vips.map((v) => pauseKey(cluster, v)),
    ];
    // One delete per key (a cluster has a handful of VIPs); deleting an absent item is not an error.
    for (const pk of keys) {
      await call('DeleteItem(pause)', () =>
        client.send(new DeleteCommand({ TableName: tableName, Key: { pk } })),
      );
    }
  },
});
