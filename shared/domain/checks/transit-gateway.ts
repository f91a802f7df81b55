import { cidrCovers, parseCidr, vipDestination } from '../../core/ip';
import { assessTgwRoute, type TgwFinding } from '../switch/tgw-plan';
import { type ClusterContext, plural } from './context';
import { dxKey, type TgwAttachmentFacts } from './snapshot';
import { type CheckResult, fail, pass, unknown, unreadable } from './types';

/** The cluster VPC's live attachments to the configured Transit Gateway. */
const vpcAttachments = (ctx: ClusterContext, all: readonly TgwAttachmentFacts[]) =>
  all.filter(
    (a) =>
      a.vpcId === ctx.cluster.vpcId &&
      a.tgwId === ctx.cluster.transitGatewayId &&
      !['deleted', 'deleting', 'failed', 'rejected'].includes(a.state),
  );

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
  const results: CheckResult[] = [];
  if (!snapshot.transitGateways.ok) {
    results.push(unreadable('tgw.defaults', cluster.name, snapshot.transitGateways.error));
  } else {
    const tgw = snapshot.transitGateways.value.find((t) => t.id === tgwId);
    const disabled = [
      ...(tgw?.defaultAssociation === false ? ['default route table association'] : []),
      ...(tgw?.defaultPropagation === false ? ['default route table propagation'] : []),
    ];
    results.push(
      tgw === undefined || tgw.state === 'deleted'
        ? fail('tgw.defaults', cluster.name, 'TransitGatewayNotFound', `${tgwId} does not exist`, {
            subject: tgwId,
            fix: 'Correct transitGatewayId in the configuration',
          })
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
  if (!snapshot.tgwAttachments.ok) {
    results.push(unreadable('tgw.attachment', cluster.name, snapshot.tgwAttachments.error));
    return results;
  }
  const attachments = vpcAttachments(ctx, snapshot.tgwAttachments.value);
  const configured = [
    ...new Set(cluster.vips.flatMap((v) => v.transitGatewayRoute?.attachmentId ?? [])),
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
            fix: `Set vips[].transitGatewayRoute.attachmentId to ${attachment.id}`,
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

/** Check 7: the static VIP/32 route in the TGW route table targets the configured attachment and is active. */
export const checkTgwVipRoutes = ({ cluster, snapshot }: ClusterContext): CheckResult[] => {
  if (cluster.transitGatewayId === undefined) return [];
  return cluster.vips.map((vip) => {
    const on = { vip: vip.address };
    const expected = vip.transitGatewayRoute;
    if (expected === undefined) {
      return fail(
        'tgw.vip-route',
        cluster.name,
        'TgwRouteNotConfigured',
        `no transitGatewayRoute configured for ${vip.address}: remote networks cannot reach it through the TGW`,
        { ...on, fix: 'Set vips[].transitGatewayRoute (route table and cluster VPC attachment)' },
      );
    }
    const at = { ...on, subject: expected.routeTableId };
    const read = snapshot.tgwRoutes[expected.routeTableId];
    if (read === undefined || !read.ok)
      return unreadable('tgw.vip-route', cluster.name, read?.error ?? 'not read', at);
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
  });
};

/** Check 8: the DX gateway's association with the TGW allows the VPC's CIDR blocks and every VIP. */
export const checkDirectConnect = ({ cluster, snapshot }: ClusterContext): CheckResult[] => {
  const dxGateway = cluster.directConnectGatewayId;
  if (dxGateway === undefined || cluster.transitGatewayId === undefined) return [];
  const on = { subject: dxGateway };
  const read = snapshot.dxAssociations[dxKey(dxGateway, cluster.transitGatewayId)];
  if (read === undefined || !read.ok)
    return [unreadable('dx.allowed-prefixes', cluster.name, read?.error ?? 'not read', on)];
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
