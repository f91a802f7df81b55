import type { ClusterConfig } from '../../config/schema';
import { attempt } from '../../core/result';
import type { Liveness, MaintenanceStore, TargetHistoryStore, VipRecordReader } from './ports';
import type { Read, StateFacts } from './snapshot';

export interface StateReaders {
  readonly records: VipRecordReader;
  readonly liveness: Liveness;
  readonly history: TargetHistoryStore;
  readonly maintenance: Pick<MaintenanceStore, 'readMany'>;
}

/** Run a read; a failure becomes a failed Read carrying the message. */
export const attemptRead = <T>(read: () => Promise<T>): Promise<Read<T>> =>
  attempt(read, (error) => (error instanceof Error ? error.message : String(error)));

/** routekeeper's own records for the clusters, read in parallel; a failed read is carried, not thrown. */
export const readStateFacts = async (
  readers: StateReaders,
  clusters: readonly ClusterConfig[],
): Promise<StateFacts> => {
  const keys = clusters.flatMap((c) => c.vips.map((v) => ({ cluster: c.name, vip: v.address })));
  const [records, liveness, history, pauses] = await Promise.all([
    attemptRead(() => readers.records.readMany(keys)),
    attemptRead(async () =>
      (
        await Promise.all(
          clusters.map(async (c) =>
            (
              await readers.liveness.read(
                c.name,
                c.nodes.map((n) => n.name),
              )
            ).map((l) => ({
              ...l,
              cluster: c.name,
            })),
          ),
        )
      ).flat(),
    ),
    attemptRead(() => readers.history.readMany(keys)),
    attemptRead(() =>
      readers.maintenance.readMany(
        clusters.map((c) => ({ cluster: c.name, vips: c.vips.map((v) => v.address) })),
      ),
    ),
  ]);
  return { records, liveness, history, pauses };
};
