import type { VipConfig } from '../../config/schema';
import { cidrCovers, parseCidr, vipDestination } from '../../core/ip';
import {
  type ClusterContext,
  clusterTables,
  describeRoute,
  labelEni,
  managedTables,
  nodeOfEni,
  plural,
  recordOf,
  vipRouteOf,
} from './context';
import { type RouteFacts, type RouteTableFacts, sideRead } from './snapshot';
import { type CheckResult, fail, pass, unknown, unreadable } from './types';

/**
 * Check 4: in every managed table the VIP route exists, is not a blackhole and targets the owner's ENI
 * (owner = the fence record). Without a record the owner is unknown: the targets are reported, and only
 * what is wrong whoever the owner is (missing, blackhole, not a node's ENI, tables disagreeing) fails.
 */
export const checkVipRoutes = (ctx: ClusterContext): CheckResult[] => {
  const { cluster } = ctx;
  const tables = clusterTables(ctx);
  return cluster.vips.flatMap((vip): CheckResult[] => {
    const on = { vip: vip.address };
    if (!tables.ok) return [unreadable('vpc.vip-route', cluster.name, tables.error, on)];
    const managed = managedTables(vip, tables.value);
    const results: CheckResult[] = managed.outsideVpc.map((id) =>
      fail(
        'vpc.vip-route',
        cluster.name,
        'RouteTableNotInClusterVpc',
        `${id} is not a route table of ${cluster.vpcId}; it is never modified`,
        { ...on, subject: id, fix: `Remove ${id} from vips[].routeTables` },
      ),
    );
    if (managed.tables.length === 0 && managed.outsideVpc.length === 0) {
      return [
        fail(
          'vpc.vip-route',
          cluster.name,
          'NoManagedTables',
          `no route table of ${cluster.vpcId} carries ${vipDestination(vip.address)}`,
          { ...on, fix: 'List the route tables in vips[].routeTables' },
        ),
      ];
    }
    const record = recordOf(ctx, vip.address);
    const ownerEni = record.ok ? record.value?.eni : undefined;
    const ownerText = record.ok
      ? record.value === undefined
        ? 'owner unknown (no claim recorded yet)'
        : `owner ${record.value.owner} (${record.value.eni}) since ${record.value.updatedAt}`
      : `owner unreadable: ${record.error}`;
    const targetsSeen = new Set<string>();
    const correct: string[] = [];
    for (const table of managed.tables) {
      const route = vipRouteOf(table, vip.address);
      const at = { ...on, subject: table.id };
      if (route === undefined) {
        results.push(
          fail(
            'vpc.vip-route',
            cluster.name,
            'VipRouteMissing',
            `${table.id} has no route for ${vipDestination(vip.address)}; ${ownerText}`,
            {
              ...at,
              fix: vip.createMissingRoute
                ? 'driftMode repair recreates it (createMissingRoute is on)'
                : `aws ec2 create-route --route-table-id ${table.id} --destination-cidr-block ${vipDestination(vip.address)} --network-interface-id ${ownerEni ?? '<owner ENI>'}`,
            },
          ),
        );
        continue;
      }
      targetsSeen.add(route.targetId);
      const target = `${table.id}: ${vipDestination(vip.address)} → ${route.targetKind === 'eni' ? labelEni(cluster, route.targetId) : route.targetId}`;
      if (route.state === 'blackhole') {
        results.push(
          fail(
            'vpc.vip-route',
            cluster.name,
            'VipRouteBlackhole',
            `${target} is a blackhole (target gone); ${ownerText}`,
            at,
          ),
        );
      } else if (route.targetKind !== 'eni' || nodeOfEni(cluster, route.targetId) === undefined) {
        results.push(
          fail(
            'vpc.vip-route',
            cluster.name,
            'VipRouteForeignTarget',
            `${target}, which is not a node ENI of ${cluster.name}; ${ownerText}`,
            at,
          ),
        );
      } else if (!record.ok) {
        results.push(unreadable('vpc.vip-route', cluster.name, record.error, at));
      } else if (ownerEni === undefined) {
        results.push(
          unknown('vpc.vip-route', cluster.name, 'OwnerUnknown', `${target}; ${ownerText}`, {
            ...at,
            fix: 'Wait for the owner node’s first claim or heartbeat (it bootstraps the record)',
          }),
        );
      } else if (route.targetId !== ownerEni) {
        results.push(
          fail(
            'vpc.vip-route',
            cluster.name,
            'VipRouteWrongTarget',
            `${target}, but the ${ownerText}`,
            at,
          ),
        );
      } else {
        correct.push(table.id);
      }
    }
    if (ownerEni === undefined && record.ok && targetsSeen.size > 1) {
      results.push(
        fail(
          'vpc.vip-route',
          cluster.name,
          'VipRouteTargetsDisagree',
          `managed tables route ${vip.address} to ${[...targetsSeen].map((t) => labelEni(cluster, t)).join(' and ')}; owner unknown`,
          on,
        ),
      );
    }
    if (results.length === 0) {
      results.push(
        pass(
          'vpc.vip-route',
          cluster.name,
          `${plural(correct.length, 'table')} (${correct.join(', ')}) route ${vip.address} to ${labelEni(cluster, ownerEni as string)}, the ${ownerText}`,
          on,
        ),
      );
    }
    return results;
  });
};

/** The tables the Transit Gateway attachment's subnets use (explicit association, else the main table). */
const attachmentTables = (
  ctx: ClusterContext,
  tables: readonly RouteTableFacts[],
): RouteTableFacts[] => {
  const attachments = sideRead(ctx.snapshot.tgwAttachments, ctx.cluster);
  if (!attachments.ok) return [];
  const subnets = attachments.value
    .filter((a) => a.vpcId === ctx.cluster.vpcId && a.tgwId === ctx.cluster.transitGatewayId)
    .flatMap((a) => a.subnetIds);
  const main = tables.find((t) => t.main);
  return subnets.flatMap((subnet) => {
    const table = tables.find((t) => t.subnetIds.includes(subnet)) ?? main;
    return table === undefined ? [] : [table];
  });
};

/** The route the table uses for all of `cidr`: the most specific route covering it. */
const routeFor = (table: RouteTableFacts, cidrText: string): RouteFacts | undefined => {
  const cidr = parseCidr(cidrText);
  if (cidr === undefined) return undefined;
  return table.routes
    .map((route) => ({ route, parsed: parseCidr(route.destination) }))
    .filter(({ parsed }) => parsed !== undefined && cidrCovers(parsed, cidr))
    .sort((a, b) => (b.parsed?.prefix ?? 0) - (a.parsed?.prefix ?? 0))[0]?.route;
};

/** Check 5: managed tables and attachment-subnet tables send each on-premises CIDR to the Transit Gateway. */
export const checkOnPremisesRoutes = (ctx: ClusterContext): CheckResult[] => {
  const { cluster } = ctx;
  if (cluster.onPremisesCidrs.length === 0) {
    return [
      fail(
        'onprem.cidrs',
        cluster.name,
        'OnPremisesCidrsMissing',
        'onPremisesCidrs is empty: return routes to on-premises cannot be checked',
      ),
    ];
  }
  const configured = pass(
    'onprem.cidrs',
    cluster.name,
    `on-premises networks: ${cluster.onPremisesCidrs.join(', ')}`,
  );
  const tables = clusterTables(ctx);
  if (!tables.ok) return [configured, unreadable('vpc.on-prem-route', cluster.name, tables.error)];
  const relevant = new Map<string, RouteTableFacts>();
  for (const vip of cluster.vips) {
    for (const t of managedTables(vip, tables.value).tables) relevant.set(t.id, t);
  }
  for (const t of attachmentTables(ctx, tables.value)) relevant.set(t.id, t);
  const results: CheckResult[] = [configured];
  const expected = cluster.transitGatewayId ?? 'a Transit Gateway';
  for (const table of [...relevant.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    for (const cidr of cluster.onPremisesCidrs) {
      const route = routeFor(table, cidr);
      const at = { subject: table.id };
      const fix = `aws ec2 replace-route --route-table-id ${table.id} --destination-cidr-block ${cidr} --transit-gateway-id ${cluster.transitGatewayId ?? '<tgw-id>'}`;
      if (route === undefined) {
        results.push(
          fail(
            'vpc.on-prem-route',
            cluster.name,
            'OnPremRouteMissing',
            `${table.id} has no route for ${cidr}`,
            { ...at, fix: fix.replace('replace-route', 'create-route') },
          ),
        );
      } else if (route.state === 'blackhole') {
        results.push(
          fail(
            'vpc.on-prem-route',
            cluster.name,
            'OnPremRouteBlackhole',
            `${table.id}: ${describeRoute(route)}`,
            { ...at, fix },
          ),
        );
      } else if (route.targetKind === 'vpn-gateway') {
        results.push(
          fail(
            'vpc.on-prem-route',
            cluster.name,
            'OnPremRouteViaVpnGateway',
            `${table.id}: ${describeRoute(route)} is a virtual private gateway; the guide requires the Transit Gateway`,
            { ...at, fix },
          ),
        );
      } else if (
        route.targetKind !== 'transit-gateway' ||
        (cluster.transitGatewayId !== undefined && route.targetId !== cluster.transitGatewayId)
      ) {
        results.push(
          fail(
            'vpc.on-prem-route',
            cluster.name,
            'OnPremRouteWrongTarget',
            `${table.id}: ${describeRoute(route)}, expected ${expected}`,
            { ...at, fix },
          ),
        );
      }
    }
  }
  if (results.length === 1) {
    results.push(
      pass(
        'vpc.on-prem-route',
        cluster.name,
        `${plural(relevant.size, 'table')} (${[...relevant.keys()].sort().join(', ')}) route ${cluster.onPremisesCidrs.join(', ')} to ${expected}`,
      ),
    );
  }
  return results;
};

/** Check 9: a route table of another VPC routing a managed VIP (the Windows kit's known issue). Never modified. */
export const checkConflicts = (ctx: ClusterContext): CheckResult[] => {
  const { cluster, snapshot } = ctx;
  return cluster.vips.flatMap((vip: VipConfig): CheckResult[] => {
    const on = { vip: vip.address };
    if (!snapshot.vipRouteTables.ok)
      return [unreadable('vpc.conflict', cluster.name, snapshot.vipRouteTables.error, on)];
    const conflicts = snapshot.vipRouteTables.value.filter(
      (t) => t.vpcId !== cluster.vpcId && vipRouteOf(t, vip.address) !== undefined,
    );
    if (conflicts.length === 0) {
      return [
        pass(
          'vpc.conflict',
          cluster.name,
          `no route table outside ${cluster.vpcId} routes ${vip.address}`,
          on,
        ),
      ];
    }
    return conflicts.map((t) =>
      fail(
        'vpc.conflict',
        cluster.name,
        'OtherVpcVipRoute',
        `${t.id} in ${t.vpcId} routes ${describeRoute(vipRouteOf(t, vip.address) as RouteFacts)}`,
        { ...on, subject: t.id },
      ),
    );
  });
};
