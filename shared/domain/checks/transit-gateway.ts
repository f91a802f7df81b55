import type { ClusterConfig, TgwRoute, VipConfig } from '../../config/schema';
import { NETWORK_ROLE_UNAVAILABLE } from '../../core/errors';
import { cidrCovers, parseCidr, vipDestination } from '../../core/ip';
import { assessTgwRoute, type TgwFinding } from '../switch/tgw-plan';
import { type ClusterContext, plural } from './context';
import { dxKey, sideRead, type TgwAttachmentFacts } from './snapshot';
import {
  type CheckId,
  type CheckResult,
  fail,
  pass,
  type ResultOptions,
  unknown,
  unreadable,
} from './types';

/** The cluster VPC's live attachments to the configured Transit Gateway. */
const vpcAttachments = (ctx: ClusterContext, all: readonly TgwAttachmentFacts[]) =>
  all.filter(
    (a) =>
      a.vpcId === ctx.cluster.vpcId &&
      a.tgwId === ctx.cluster.transitGatewayId &&
      !['deleted', 'deleting', 'failed', 'rejected'].includes(a.state),
  );

const NETWORK_SECTION = 'README, "Transit Gateway in a network account"';

/** The fix for a cluster whose Transit Gateway may belong to a network account routekeeper is not told about. */
const setNetworkRole = (cluster: ClusterConfig): string =>
  `If ${cluster.transitGatewayId} belongs to another account (a network account), set clusters[].network.roleArn to routekeeper's role in that account (${NETWORK_SECTION}); otherwise correct transitGatewayId`;

/** The fix for a configured network role that routekeeper could not assume. */
const assumeNetworkRole = (cluster: ClusterConfig): string =>
  `Let routekeeper assume ${cluster.network?.roleArn}: the role's trust policy must trust routekeeper's function roles and this caller${cluster.network?.externalId === undefined ? '' : ' with the configured externalId'}, and they need sts:AssumeRole on it (npm run network-policy prints both; ${NETWORK_SECTION})`;

/**
 * A read of the Transit Gateway's account failed: unknown. When the network role could not be assumed,
 * the finding says so and its fix names the role.
 */
const networkUnreadable = (
  check: CheckId,
  cluster: ClusterConfig,
  error: string,
  options: ResultOptions = {},
): CheckResult =>
  cluster.network !== undefined && error.includes(NETWORK_ROLE_UNAVAILABLE)
    ? unknown(check, cluster.name, NETWORK_ROLE_UNAVAILABLE, `could not read: ${error}`, {
        ...options,
        fix: assumeNetworkRole(cluster),
      })
    : unreadable(check, cluster.name, error, options);

/**
 * Why this cluster's Transit Gateway cannot be judged from routekeeper's own account, when no network
 * role is configured: the TGW is not visible at all (a wrong id, or another account's TGW that is not
 * shared, which is what the emulator shows), or it is visible but owned by another account (shared through
 * RAM: its route tables and DX gateway can only be read by the owner). Reading them from here would report
 * routes missing that exist, and repair would chase them; so the dependent checks are unknown instead.
 */
interface Blind {
  readonly code: 'TransitGatewayNotVisible' | 'TransitGatewayInOtherAccount';
  readonly evidence: string;
  /** The TGW itself and its attachment are unreadable too (not visible at all). */
  readonly whole: boolean;
}

const blindness = ({ cluster, snapshot }: ClusterContext): Blind | undefined => {
  const tgwId = cluster.transitGatewayId;
  if (cluster.network !== undefined || tgwId === undefined) return undefined;
  const tgws = sideRead(snapshot.transitGateways, cluster);
  if (!tgws.ok) return undefined;
  const tgw = tgws.value.find((t) => t.id === tgwId);
  if (tgw === undefined || tgw.state === 'deleted') {
    return {
      code: 'TransitGatewayNotVisible',
      evidence: `${tgwId} is not visible to routekeeper's account: a wrong id, or a Transit Gateway of another account`,
      whole: true,
    };
  }
  const vpcOwner = snapshot.vpcs.ok
    ? snapshot.vpcs.value.find((v) => v.id === cluster.vpcId)?.ownerId
    : undefined;
  if (tgw.ownerId !== undefined && vpcOwner !== undefined && tgw.ownerId !== vpcOwner) {
    return {
      code: 'TransitGatewayInOtherAccount',
      evidence: `${tgwId} belongs to account ${tgw.ownerId}, the cluster VPC to ${vpcOwner}: its route tables and DX gateway can only be read there`,
      whole: false,
    };
  }
  return undefined;
};

const blindResult = (
  check: CheckId,
  cluster: ClusterConfig,
  blind: Blind,
  options: ResultOptions = {},
): CheckResult =>
  unknown(check, cluster.name, blind.code, blind.evidence, {
    ...options,
    fix: setNetworkRole(cluster),
  });

/** Check 6: the Transit Gateway, its defaults, the cluster VPC attachment and its Availability Zones. */
export const checkTransitGateway = (ctx: ClusterContext): CheckResult[] => {
  const { cluster, snapshot } = ctx;
  const tgwId = cluster.transitGatewayId;
  if (tgwId === undefined) {
    return [
      fail(
        'tgw.defaults',
        cluster.name,
        'TransitGatewayNotConfigured',
        'no transitGatewayId configured: the guide connects the VPC to on-premises through a Transit Gateway',
        { fix: 'Set transitGatewayId in the configuration' },
      ),
    ];
  }
  const blind = blindness(ctx);
  if (blind?.whole) {
    return [
      blindResult('tgw.defaults', cluster, blind, { subject: tgwId }),
      blindResult('tgw.attachment', cluster, blind),
    ];
  }
  const results: CheckResult[] = [];
  const tgws = sideRead(snapshot.transitGateways, cluster);
  if (!tgws.ok) {
    results.push(networkUnreadable('tgw.defaults', cluster, tgws.error));
  } else {
    const tgw = tgws.value.find((t) => t.id === tgwId);
    const disabled = [
      ...(tgw?.defaultAssociation === false ? ['default route table association'] : []),
      ...(tgw?.defaultPropagation === false ? ['default route table propagation'] : []),
    ];
    results.push(
      tgw === undefined || tgw.state === 'deleted'
        ? fail(
            'tgw.defaults',
            cluster.name,
            'TransitGatewayNotFound',
            `${tgwId} does not exist in the account of ${cluster.network?.roleArn}`,
            {
              subject: tgwId,
              fix: 'Correct transitGatewayId (or network.roleArn) in the configuration',
            },
          )
        : disabled.length > 0
          ? fail(
              'tgw.defaults',
              cluster.name,
              'TransitGatewayDefaultsDisabled',
              `${tgwId}: ${disabled.join(' and ')} disabled`,
              { subject: tgwId },
            )
          : pass(
              'tgw.defaults',
              cluster.name,
              `${tgwId} (${tgw.state}): default association and propagation enabled`,
              { subject: tgwId },
            ),
    );
  }
  const read = sideRead(snapshot.tgwAttachments, cluster);
  if (!read.ok) {
    results.push(networkUnreadable('tgw.attachment', cluster, read.error));
    return results;
  }
  const attachments = vpcAttachments(ctx, read.value);
  const configured = [
    ...new Set(cluster.vips.flatMap((v) => v.transitGatewayRoutes.map((r) => r.attachmentId))),
  ];
  const attachment =
    attachments.find((a) => configured.includes(a.id)) ??
    attachments.find((a) => a.state === 'available') ??
    attachments[0];
  if (attachment === undefined) {
    results.push(
      fail(
        'tgw.attachment',
        cluster.name,
        'AttachmentMissing',
        `${cluster.vpcId} has no attachment to ${tgwId}`,
      ),
    );
    return results;
  }
  const stray = configured.filter((id) => !attachments.some((a) => a.id === id));
  results.push(
    stray.length > 0
      ? fail(
          'tgw.attachment',
          cluster.name,
          'AttachmentMismatch',
          `configured ${stray.join(', ')} is not an attachment of ${cluster.vpcId} to ${tgwId}; found ${attachments.map((a) => a.id).join(', ')}`,
          {
            subject: stray.join(','),
            fix: `Set the attachmentId of vips[].transitGatewayRoute(s) to ${attachment.id}`,
          },
        )
      : attachment.state !== 'available'
        ? fail(
            'tgw.attachment',
            cluster.name,
            'AttachmentNotAvailable',
            `${attachment.id} is ${attachment.state}`,
            {
              subject: attachment.id,
              fix: 'Accept or repair the attachment until it is available',
            },
          )
        : pass('tgw.attachment', cluster.name, `${attachment.id} is available`, {
            subject: attachment.id,
          }),
  );
  results.push(...checkAttachmentAzs(ctx, attachment));
  return results;
};

/** Traffic leaves a subnet for a Transit Gateway only through an attachment subnet in the same AZ. */
const checkAttachmentAzs = (
  { cluster, snapshot }: ClusterContext,
  attachment: TgwAttachmentFacts,
): CheckResult[] => {
  const on = { subject: attachment.id };
  if (!snapshot.subnets.ok)
    return [unreadable('tgw.attachment-azs', cluster.name, snapshot.subnets.error, on)];
  if (!snapshot.instances.ok)
    return [unreadable('tgw.attachment-azs', cluster.name, snapshot.instances.error, on)];
  const subnets = snapshot.subnets.value;
  const attachmentAzs = new Set(
    attachment.subnetIds.flatMap((id) => subnets.find((s) => s.id === id)?.az ?? []),
  );
  const nodeAzs = new Map<string, string>();
  for (const node of cluster.nodes) {
    const instance = snapshot.instances.value.find((i) => i.id === node.instanceId);
    if (instance !== undefined) nodeAzs.set(node.name, instance.az);
  }
  const missing = [...nodeAzs].filter(([, az]) => !attachmentAzs.has(az));
  return missing.length === 0
    ? [
        pass(
          'tgw.attachment-azs',
          cluster.name,
          `attachment subnets in ${[...attachmentAzs].sort().join(', ')} cover every node AZ`,
          on,
        ),
      ]
    : [
        fail(
          'tgw.attachment-azs',
          cluster.name,
          'AttachmentAzMissing',
          `${missing.map(([node, az]) => `${node} is in ${az}`).join(', ')}; the attachment has subnets only in ${[...attachmentAzs].sort().join(', ') || 'no AZ'}`,
          on,
        ),
      ];
};

const TGW_FINDINGS: Record<Exclude<TgwFinding, 'InPlace'>, { code: string; text: string }> = {
  Missing: { code: 'TgwRouteMissing', text: 'no route' },
  PropagatedOnly: {
    code: 'TgwRoutePropagatedOnly',
    text: 'only a propagated route (no static route)',
  },
  Blackhole: { code: 'TgwRouteBlackhole', text: 'a static blackhole route' },
  WrongAttachment: { code: 'TgwRouteWrongAttachment', text: 'a static route to' },
  TargetUnobservable: {
    code: 'TgwRouteTargetUnobservable',
    text: 'a static route whose attachment the API did not report',
  },
  SearchIncomplete: {
    code: 'TgwSearchIncomplete',
    text: 'no static route among the routes returned, but the search reported more routes available',
  },
};

/**
 * Check 7: in every configured Transit Gateway route table of each VIP, the static VIP/32 route targets
 * the configured attachment and is active; each table is its own result.
 */
export const checkTgwVipRoutes = (ctx: ClusterContext): CheckResult[] => {
  const { cluster } = ctx;
  if (cluster.transitGatewayId === undefined) return [];
  const blind = blindness(ctx);
  return cluster.vips.flatMap((vip) => {
    const on = { vip: vip.address };
    if (vip.transitGatewayRoutes.length === 0) {
      return [
        fail(
          'tgw.vip-route',
          cluster.name,
          'TgwRouteNotConfigured',
          `no transitGatewayRoute configured for ${vip.address}: remote networks cannot reach it through the TGW`,
          {
            ...on,
            fix: 'Set vips[].transitGatewayRoute, or transitGatewayRoutes for several TGW route tables (route table and cluster VPC attachment)',
          },
        ),
      ];
    }
    return vip.transitGatewayRoutes.map((expected) =>
      blind === undefined
        ? checkTgwTable(ctx, vip, expected)
        : blindResult('tgw.vip-route', cluster, blind, { ...on, subject: expected.routeTableId }),
    );
  });
};

const checkTgwTable = (
  { cluster, snapshot }: ClusterContext,
  vip: VipConfig,
  expected: TgwRoute,
): CheckResult => {
  const at = { vip: vip.address, subject: expected.routeTableId };
  const read = snapshot.tgwRoutes[expected.routeTableId];
  if (read === undefined || !read.ok)
    return networkUnreadable('tgw.vip-route', cluster, read?.error ?? 'not read', at);
  const destination = vipDestination(vip.address);
  const routes = read.value.routes.filter((r) => r.destination === destination);
  const { finding } = assessTgwRoute(routes, read.value.complete, expected.attachmentId);
  const staticRoute = routes.find((r) => r.type === 'static');
  const where = `${expected.routeTableId}: ${destination}`;
  if (finding === 'InPlace') {
    return staticRoute?.state === 'active'
      ? pass(
          'tgw.vip-route',
          cluster.name,
          `${where} → ${expected.attachmentId} (static, active)`,
          at,
        )
      : fail(
          'tgw.vip-route',
          cluster.name,
          'TgwRouteNotActive',
          `${where} → ${expected.attachmentId} is ${staticRoute?.state}`,
          at,
        );
  }
  const { code, text } = TGW_FINDINGS[finding];
  const targets = staticRoute?.attachmentIds.join(', ') ?? '';
  const evidence = `${where}: ${text}${finding === 'WrongAttachment' ? ` ${targets}` : ''}; expected static → ${expected.attachmentId}`;
  return finding === 'TargetUnobservable' || finding === 'SearchIncomplete'
    ? unknown('tgw.vip-route', cluster.name, code, evidence, {
        ...at,
        fix:
          finding === 'SearchIncomplete'
            ? 'Check the route by hand (aws ec2 search-transit-gateway-routes --filters Name=route-search.exact-match,...)'
            : 'Check the route target in the console; the API response carried no attachment',
      })
    : fail('tgw.vip-route', cluster.name, code, evidence, {
        ...at,
        fix: `aws ec2 ${finding === 'Missing' || finding === 'PropagatedOnly' ? 'create' : 'replace'}-transit-gateway-route --transit-gateway-route-table-id ${expected.routeTableId} --destination-cidr-block ${destination} --transit-gateway-attachment-id ${expected.attachmentId}`,
      });
};

/** Check 8: the DX gateway's association with the TGW allows the VPC's CIDR blocks and every VIP. */
export const checkDirectConnect = (ctx: ClusterContext): CheckResult[] => {
  const { cluster, snapshot } = ctx;
  const dxGateway = cluster.directConnectGatewayId;
  if (dxGateway === undefined || cluster.transitGatewayId === undefined) return [];
  const on = { subject: dxGateway };
  const blind = blindness(ctx);
  if (blind !== undefined) return [blindResult('dx.allowed-prefixes', cluster, blind, on)];
  const read = snapshot.dxAssociations[dxKey(dxGateway, cluster.transitGatewayId)];
  if (read === undefined || !read.ok)
    return [networkUnreadable('dx.allowed-prefixes', cluster, read?.error ?? 'not read', on)];
  const association = read.value;
  if (association === undefined) {
    return [
      fail(
        'dx.allowed-prefixes',
        cluster.name,
        'DxAssociationMissing',
        `${dxGateway} has no association with ${cluster.transitGatewayId}`,
        { ...on, fix: 'Associate the Direct Connect gateway with the Transit Gateway' },
      ),
    ];
  }
  if (association.state !== 'associated') {
    return [
      fail(
        'dx.allowed-prefixes',
        cluster.name,
        'DxAssociationNotAssociated',
        `association of ${dxGateway} with ${cluster.transitGatewayId} is ${association.state}`,
        on,
      ),
    ];
  }
  const vpcCidrs =
    snapshot.vpcs.ok && snapshot.vpcs.value.some((v) => v.id === cluster.vpcId)
      ? (snapshot.vpcs.value.find((v) => v.id === cluster.vpcId)?.cidrs ?? [])
      : cluster.vpcCidrs;
  const required = [...vpcCidrs, ...cluster.vips.map((v) => vipDestination(v.address))];
  const allowed = association.allowedPrefixes.flatMap((p) => parseCidr(p) ?? []);
  const missing = required.filter((text) => {
    const cidr = parseCidr(text);
    return cidr === undefined || !allowed.some((prefix) => cidrCovers(prefix, cidr));
  });
  return missing.length === 0
    ? [
        pass(
          'dx.allowed-prefixes',
          cluster.name,
          `allowed prefixes ${association.allowedPrefixes.join(', ')} cover the VPC CIDR and ${plural(cluster.vips.length, 'VIP')}`,
          on,
        ),
      ]
    : [
        fail(
          'dx.allowed-prefixes',
          cluster.name,
          'DxPrefixMissing',
          `allowed prefixes ${association.allowedPrefixes.join(', ') || '(none)'} do not cover ${missing.join(', ')}`,
          on,
        ),
      ];
};
