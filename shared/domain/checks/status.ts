import type { ClusterConfig } from '../../config/schema';
import { vipDestination } from '../../core/ip';
import type { OperatorAudit, VipRecord } from '../switch/ports';
import { assessTgwRoute } from '../switch/tgw-plan';
import { managedTables, vipRouteOf } from './context';
import { type NodeLiveness, type Pause, pauseOf } from './ports';
import type { Read, RouteTableFacts, TgwTableRoutes } from './snapshot';

/**
 * `routekeeper status`: per cluster and VIP, what routekeeper recorded and where every route points.
 * Everything comes from a fixed set of batched reads (shared/aws/status-reads.ts), however many VIPs.
 */
export interface StatusFacts {
  /** Every route table of the cluster VPCs. */
  readonly routeTables: Read<readonly RouteTableFacts[]>;
  /** Static routes, by Transit Gateway route table id. */
  readonly tgwRoutes: Readonly<Record<string, Read<TgwTableRoutes>>>;
  readonly records: Read<readonly VipRecord[]>;
  readonly pauses: Read<readonly Pause[]>;
  readonly liveness: Read<readonly (NodeLiveness & { cluster: string })[]>;
}

export type ReadStatusFacts = (clusters: readonly ClusterConfig[]) => Promise<StatusFacts>;

export type Agreement = 'agrees' | 'disagrees' | 'unknown';

export interface RouteStatus {
  readonly routeTableId: string;
  /** The route's target as read (ENI, other target, `no route`, `unreadable: …`). */
  readonly target: string;
  readonly agreement: Agreement;
}

export type TgwRouteStatus = RouteStatus & { readonly expectedAttachment: string };

export interface VipStatus {
  readonly vip: string;
  readonly owner?: {
    readonly node: string;
    readonly eni: string;
    readonly since: string;
    readonly phase: string;
    readonly orderToken: number;
    readonly reason: string;
    readonly initiatedBy?: OperatorAudit;
  };
  readonly tables: readonly RouteStatus[];
  /** The first of `transitGatewayRoutes`, as version 1 of the JSON has always shown it. */
  readonly transitGateway?: TgwRouteStatus;
  /** Every TGW route table that must hold the VIP's static route, in configuration order. */
  readonly transitGatewayRoutes?: readonly TgwRouteStatus[];
  readonly paused?: Pause;
  readonly agreement: Agreement;
  /** Why it does not agree, or is unknown, one line each. */
  readonly problems: readonly string[];
}

export interface NodeStatus {
  readonly node: string;
  readonly lastHeartbeat?: string;
  readonly heartbeatAgeSeconds?: number;
  readonly clockSkewMs?: number;
}

export interface ClusterStatus {
  readonly cluster: string;
  readonly driftMode: string;
  readonly paused?: Pause;
  readonly nodes: readonly NodeStatus[];
  readonly vips: readonly VipStatus[];
  readonly agreement: Agreement;
}

export interface StatusReport {
  readonly checkedAt: string;
  readonly clusters: readonly ClusterStatus[];
  readonly agreement: Agreement;
}

/** Disagreement wins over unknown, unknown over agreement. */
export const combine = (agreements: readonly Agreement[]): Agreement =>
  agreements.includes('disagrees')
    ? 'disagrees'
    : agreements.includes('unknown')
      ? 'unknown'
      : 'agrees';

const describeTableTarget = (table: RouteTableFacts, vip: string): string => {
  const route = vipRouteOf(table, vip);
  if (route === undefined) return 'no route';
  return `${route.targetId}${route.state === 'active' ? '' : ` (${route.state})`}`;
};

const vipStatus = (
  cluster: ClusterConfig,
  vip: ClusterConfig['vips'][number],
  facts: StatusFacts,
): VipStatus => {
  const problems: string[] = [];
  const agreements: Agreement[] = [];
  const unknown = (problem: string) => {
    problems.push(problem);
    agreements.push('unknown');
  };
  const disagree = (problem: string) => {
    problems.push(problem);
    agreements.push('disagrees');
  };

  let record: VipRecord | undefined;
  if (!facts.records.ok) unknown(`state record unreadable: ${facts.records.error}`);
  else {
    record = facts.records.value.find((r) => r.cluster === cluster.name && r.vip === vip.address);
    if (record === undefined) unknown('no claim recorded yet: owner unknown');
    else if (record.phase === 'INTENT') unknown(`switch to ${record.owner} in progress (INTENT)`);
    else if (record.phase !== 'APPLIED')
      disagree(`last switch to ${record.owner} ended ${record.phase}`);
  }
  const ownerEni = record?.eni;
  if (record !== undefined && !cluster.nodes.some((n) => n.name === record.owner)) {
    disagree(`recorded owner ${record.owner} is not a configured node`);
  }

  const tables: RouteStatus[] = [];
  if (!facts.routeTables.ok) {
    unknown(`route tables unreadable: ${facts.routeTables.error}`);
  } else {
    const managed = managedTables(
      vip,
      facts.routeTables.value.filter((t) => t.vpcId === cluster.vpcId),
    );
    for (const table of managed.tables) {
      const route = vipRouteOf(table, vip.address);
      const agreement: Agreement =
        ownerEni === undefined
          ? 'unknown'
          : route?.targetId === ownerEni && route.state !== 'blackhole'
            ? 'agrees'
            : 'disagrees';
      if (agreement === 'disagrees') {
        disagree(
          `${table.id} routes ${vip.address} to ${describeTableTarget(table, vip.address)}, not ${ownerEni}`,
        );
      }
      tables.push({
        routeTableId: table.id,
        target: describeTableTarget(table, vip.address),
        agreement,
      });
    }
    for (const id of managed.outsideVpc) {
      disagree(`${id} is listed but is not a route table of ${cluster.vpcId}`);
      tables.push({ routeTableId: id, target: 'not in the cluster VPC', agreement: 'disagrees' });
    }
    if (tables.length === 0) disagree(`no managed route table carries ${vip.address}/32`);
  }

  // Every TGW route table the VIP's static route must be in (doctor and drift check the same ones).
  const transitGatewayRoutes = vip.transitGatewayRoutes.map((expected): TgwRouteStatus => {
    const read = facts.tgwRoutes[expected.routeTableId];
    const base = { routeTableId: expected.routeTableId, expectedAttachment: expected.attachmentId };
    if (read === undefined || !read.ok) {
      const error = read === undefined ? 'not read' : read.error;
      unknown(`Transit Gateway route table ${expected.routeTableId} unreadable: ${error}`);
      return { ...base, target: `unreadable: ${error}`, agreement: 'unknown' };
    }
    const destination = vipDestination(vip.address);
    const routes = read.value.routes.filter((r) => r.destination === destination);
    const { finding } = assessTgwRoute(routes, read.value.complete, expected.attachmentId);
    const staticRoute = routes.find((r) => r.type === 'static');
    const target =
      staticRoute === undefined
        ? 'no static route'
        : `${staticRoute.attachmentIds.join(',') || 'attachment not reported'}${staticRoute.state === 'active' ? '' : ` (${staticRoute.state})`}`;
    const agreement: Agreement =
      finding === 'InPlace'
        ? 'agrees'
        : finding === 'TargetUnobservable' || finding === 'SearchIncomplete'
          ? 'unknown'
          : 'disagrees';
    if (agreement !== 'agrees') {
      (agreement === 'unknown' ? unknown : disagree)(
        `Transit Gateway route ${expected.routeTableId}: ${finding} (expected ${expected.attachmentId})`,
      );
    }
    return { ...base, target, agreement };
  });
  const [transitGateway] = transitGatewayRoutes;

  if (!facts.pauses.ok) unknown(`pause state unreadable: ${facts.pauses.error}`);
  const paused = facts.pauses.ok
    ? pauseOf(facts.pauses.value, cluster.name, vip.address)
    : undefined;
  return {
    vip: vip.address,
    ...(record === undefined
      ? {}
      : {
          owner: {
            node: record.owner,
            eni: record.eni,
            since: record.updatedAt,
            phase: record.phase,
            orderToken: record.orderToken,
            reason: record.reason,
            ...(record.initiatedBy === undefined ? {} : { initiatedBy: record.initiatedBy }),
          },
        }),
    tables,
    ...(transitGateway === undefined ? {} : { transitGateway, transitGatewayRoutes }),
    ...(paused === undefined ? {} : { paused }),
    agreement: combine(agreements),
    problems,
  };
};

/** The status of every cluster from one set of reads: no call of its own, so it costs nothing per VIP. */
export const assessStatus = (
  clusters: readonly ClusterConfig[],
  facts: StatusFacts,
  now: Date,
): StatusReport => {
  const reports = clusters.map((cluster): ClusterStatus => {
    const vips = cluster.vips.map((vip) => vipStatus(cluster, vip, facts));
    const liveness = facts.liveness.ok ? facts.liveness.value : [];
    const nodes = cluster.nodes.map((node): NodeStatus => {
      const seen = liveness.find((l) => l.cluster === cluster.name && l.node === node.name);
      return seen === undefined
        ? { node: node.name }
        : {
            node: node.name,
            lastHeartbeat: seen.lastSeen,
            heartbeatAgeSeconds: Math.round((now.getTime() - Date.parse(seen.lastSeen)) / 1000),
            clockSkewMs: seen.clockSkewMs,
          };
    });
    const paused = facts.pauses.ok ? pauseOf(facts.pauses.value, cluster.name) : undefined;
    return {
      cluster: cluster.name,
      driftMode: cluster.driftMode,
      ...(paused === undefined ? {} : { paused }),
      nodes,
      vips,
      agreement: combine(vips.map((v) => v.agreement)),
    };
  });
  return {
    checkedAt: now.toISOString(),
    clusters: reports,
    agreement: combine(reports.map((r) => r.agreement)),
  };
};
