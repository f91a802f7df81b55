import type {
  ClusterConfig,
  NetworkConfig,
  NodeConfig,
  RoutekeeperConfig,
  VipConfig,
} from './schema';

export const findCluster = (config: RoutekeeperConfig, name: string): ClusterConfig | undefined =>
  config.clusters.find((cluster) => cluster.name === name);

export const findVip = (cluster: ClusterConfig, address: string): VipConfig | undefined =>
  cluster.vips.find((vip) => vip.address === address);

export const findNode = (cluster: ClusterConfig, name: string): NodeConfig | undefined =>
  cluster.nodes.find((node) => node.name === name);

export type Lookup =
  | {
      readonly ok: true;
      readonly cluster: ClusterConfig;
      readonly vip: VipConfig;
      readonly node: NodeConfig;
    }
  | {
      readonly ok: false;
      readonly reason: 'UnknownCluster' | 'UnknownVip' | 'UnknownNode';
      readonly detail: string;
    };

/** Resolve (cluster, vip, node) names against the configuration; the ENI always comes from here. */
export const lookup = (
  config: RoutekeeperConfig,
  clusterName: string,
  address: string,
  nodeName: string,
): Lookup => {
  const cluster = findCluster(config, clusterName);
  if (cluster === undefined) {
    return {
      ok: false,
      reason: 'UnknownCluster',
      detail: `cluster "${clusterName}" is not configured`,
    };
  }
  const vip = findVip(cluster, address);
  if (vip === undefined) {
    return {
      ok: false,
      reason: 'UnknownVip',
      detail: `VIP ${address} is not configured in cluster "${cluster.name}"`,
    };
  }
  const node = findNode(cluster, nodeName);
  if (node === undefined) {
    return {
      ok: false,
      reason: 'UnknownNode',
      detail: `node "${nodeName}" is not configured in cluster "${cluster.name}"`,
    };
  }
  return { ok: true, cluster, vip, node };
};

/**
 * The network role through which a Transit Gateway route table is reached: the `network` of the cluster
 * that names it (the schema makes every cluster naming it agree), or undefined for routekeeper's own account.
 */
export const networkOfTgwTable = (
  config: RoutekeeperConfig,
  routeTableId: string,
): NetworkConfig | undefined =>
  config.clusters.find((cluster) =>
    cluster.vips.some((vip) =>
      vip.transitGatewayRoutes.some((route) => route.routeTableId === routeTableId),
    ),
  )?.network;
