/**
 * One test per finding of the check engine, read through the real snapshot reader from mocked EC2 and
 * Direct Connect clients. These cover what moto cannot show: TGW route targets, blackholes, Direct
 * Connect associations, incomplete TGW searches. Each test breaks one thing and asserts exactly the
 * results that do not pass.
 */
import { describe, expect, it } from 'vitest';
import { failed, ok } from '../../../../../shared/domain/checks/snapshot';
import {
  type AccountModel,
  accountConfig,
  checkAccount,
  findings,
  freshLiveness,
  healthyAccount,
  healthyState,
  ID,
  NOW,
  ownerRecord,
  type StateModel,
} from '../../../../support/account';

const VIP_ROUTE = `${ID.vip}/32`;
const first = <T>(items: T[] | undefined): T => {
  const item = items?.[0];
  if (item === undefined) throw new Error('the fixture has no such item');
  return item;
};
const routesOf = (model: AccountModel, table: string) =>
  model.routeTables.find((t) => t.RouteTableId === table)?.Routes ?? [];
const vipRouteOf = (model: AccountModel, table: string) =>
  routesOf(model, table).find((r) => r.DestinationCidrBlock === VIP_ROUTE) ?? {};
const onPremRouteOf = (model: AccountModel, table: string) =>
  routesOf(model, table).find((r) => r.DestinationCidrBlock === '192.168.0.0/16') ?? {};
const throttled = () =>
  Object.assign(new Error('Request limit exceeded.'), {
    name: 'RequestLimitExceeded',
    $fault: 'client',
    $metadata: { httpStatusCode: 503 },
  });
const withDx = (cluster: Record<string, unknown>) => {
  cluster.directConnectGatewayId = ID.dxGateway;
};

interface Case {
  readonly name: string;
  readonly account?: (model: AccountModel) => void;
  readonly config?: (cluster: Record<string, unknown>) => void;
  readonly state?: (state: StateModel) => void;
  readonly expected: string[];
}

const cases: Case[] = [
  // Check 1
  {
    name: 'the cluster VPC does not exist',
    account: (m) => {
      m.vpcs = [];
    },
    expected: ['vpc.exists VpcNotFound fail'],
  },
  {
    name: 'a node instance does not exist',
    account: (m) => {
      m.instances = m.instances.slice(0, 1);
    },
    expected: ['nodes.multi-az InstanceNotFound fail'],
  },
  {
    name: 'both nodes sit in one Availability Zone',
    account: (m) => {
      for (const i of m.instances) i.Placement = { AvailabilityZone: 'us-east-1a' };
    },
    expected: ['nodes.multi-az SingleAvailabilityZone fail'],
  },
  {
    name: 'a node ENI does not exist',
    account: (m) => {
      m.enis = m.enis.slice(0, 1);
    },
    expected: ['nodes.eni EniNotFound fail'],
  },
  {
    name: 'a node ENI lies in another VPC',
    account: (m) => {
      (m.enis[1] as { VpcId: string }).VpcId = ID.otherVpc;
    },
    expected: ['nodes.eni EniOutsideVpc fail'],
  },
  {
    name: 'a node ENI is attached to another instance',
    account: (m) => {
      (m.enis[1] as { Attachment: object }).Attachment = { InstanceId: 'i-0ffffffffffffffff' };
    },
    expected: ['nodes.eni EniNotAttached fail'],
  },
  // Check 2
  {
    name: 'the VPC gained a CIDR block that contains the VIP',
    account: (m) => {
      m.vpcs[0]?.CidrBlockAssociationSet?.push({
        CidrBlock: '10.1.0.0/16',
        CidrBlockState: { State: 'associated' },
      });
    },
    expected: ['vpc.vip-outside-cidr VipInsideVpcCidr fail'],
  },
  {
    name: 'the VPC is still disassociating a CIDR block that contains the VIP',
    account: (m) => {
      m.vpcs[0]?.CidrBlockAssociationSet?.push({
        CidrBlock: '10.1.0.0/16',
        CidrBlockState: { State: 'disassociating' },
      });
    },
    expected: ['vpc.vip-outside-cidr VipInsideVpcCidr fail'],
  },
  {
    name: 'the VPC once had a CIDR block with the VIP, now disassociated',
    account: (m) => {
      m.vpcs[0]?.CidrBlockAssociationSet?.push({
        CidrBlock: '10.1.0.0/16',
        CidrBlockState: { State: 'disassociated' },
      });
    },
    expected: [],
  },
  // Check 3
  {
    name: 'source/destination check is on for a node ENI',
    account: (m) => {
      (m.enis[1] as { SourceDestCheck: boolean }).SourceDestCheck = true;
    },
    expected: ['nodes.source-dest-check SourceDestCheckEnabled fail'],
  },
  // Check 4
  {
    name: 'a managed table routes the VIP to the standby ENI',
    account: (m) => {
      vipRouteOf(m, ID.table2).NetworkInterfaceId = ID.node2.eni;
    },
    expected: ['vpc.vip-route VipRouteWrongTarget fail'],
  },
  {
    name: 'a managed table lacks the VIP route',
    account: (m) => {
      const table = m.routeTables.find((t) => t.RouteTableId === ID.table2);
      if (table)
        table.Routes = routesOf(m, ID.table2).filter((r) => r.DestinationCidrBlock !== VIP_ROUTE);
    },
    expected: ['vpc.vip-route VipRouteMissing fail'],
  },
  {
    name: 'the VIP route is a blackhole (its ENI is gone)',
    account: (m) => {
      vipRouteOf(m, ID.table1).State = 'blackhole';
    },
    expected: ['vpc.vip-route VipRouteBlackhole fail'],
  },
  {
    name: 'the VIP route targets something that is not a node ENI',
    account: (m) => {
      const route = vipRouteOf(m, ID.table1);
      delete route.NetworkInterfaceId;
      route.InstanceId = 'i-0ffffffffffffffff';
    },
    expected: ['vpc.vip-route VipRouteForeignTarget fail'],
  },
  {
    name: 'no owner is recorded yet: the targets are reported, unknown',
    state: (s) => {
      s.records = ok([]);
    },
    expected: ['vpc.vip-route OwnerUnknown unknown', 'vpc.vip-route OwnerUnknown unknown'],
  },
  {
    name: 'no owner is recorded and the tables disagree',
    state: (s) => {
      s.records = ok([]);
    },
    account: (m) => {
      vipRouteOf(m, ID.table2).NetworkInterfaceId = ID.node2.eni;
    },
    expected: [
      'vpc.vip-route OwnerUnknown unknown',
      'vpc.vip-route OwnerUnknown unknown',
      'vpc.vip-route VipRouteTargetsDisagree fail',
    ],
  },
  {
    name: 'a listed route table is not a table of the cluster VPC',
    config: (c) => {
      (c.vips as { routeTables: string[] }[])[0]?.routeTables.push(ID.otherTable);
    },
    expected: ['vpc.vip-route RouteTableNotInClusterVpc fail'],
  },
  {
    name: 'no table of the cluster VPC is managed for the VIP',
    config: (c) => {
      first(c.vips as { routeTables: string[] }[]).routeTables = [];
    },
    account: (m) => {
      for (const t of m.routeTables)
        t.Routes = (t.Routes ?? []).filter((r) => r.DestinationCidrBlock !== VIP_ROUTE);
    },
    expected: ['vpc.vip-route NoManagedTables fail'],
  },
  {
    name: 'the fence records cannot be read: targets unknown, never pass',
    state: (s) => {
      s.records = failed('GetItem failed: ProvisionedThroughputExceededException');
    },
    expected: [
      'vpc.vip-route ApiError unknown',
      'vpc.vip-route ApiError unknown',
      'nodes.heartbeat ApiError unknown',
    ],
  },
  // Check 5
  {
    name: 'no on-premises CIDR is configured',
    config: (c) => {
      c.onPremisesCidrs = [];
    },
    expected: ['onprem.cidrs OnPremisesCidrsMissing fail'],
  },
  {
    name: 'a managed table lost its on-premises route',
    account: (m) => {
      const table = m.routeTables.find((t) => t.RouteTableId === ID.table1);
      if (table)
        table.Routes = routesOf(m, ID.table1).filter(
          (r) => r.DestinationCidrBlock !== '192.168.0.0/16',
        );
    },
    expected: ['vpc.on-prem-route OnPremRouteMissing fail'],
  },
  {
    name: 'a managed table sends on-premises traffic to a virtual private gateway',
    account: (m) => {
      const route = onPremRouteOf(m, ID.table1);
      delete route.TransitGatewayId;
      route.GatewayId = 'vgw-0123456789abcdef0';
    },
    expected: ['vpc.on-prem-route OnPremRouteViaVpnGateway fail'],
  },
  {
    name: 'a managed table sends on-premises traffic to another Transit Gateway',
    account: (m) => {
      onPremRouteOf(m, ID.table2).TransitGatewayId = 'tgw-0ffffffffffffffff';
    },
    expected: ['vpc.on-prem-route OnPremRouteWrongTarget fail'],
  },
  {
    name: 'the on-premises route is a blackhole',
    account: (m) => {
      onPremRouteOf(m, ID.table2).State = 'blackhole';
    },
    expected: ['vpc.on-prem-route OnPremRouteBlackhole fail'],
  },
  {
    name: 'an attachment subnet without its own table uses a main table without the on-premises route',
    account: (m) => {
      const subnet = 'subnet-0000000000000002c';
      m.attachments[0]?.SubnetIds?.push(subnet);
      m.subnets.push({ SubnetId: subnet, VpcId: ID.vpc, AvailabilityZone: 'us-east-1c' });
      const main = m.routeTables.find((t) => t.RouteTableId === ID.mainTable);
      if (main) main.Routes = [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }];
    },
    expected: ['vpc.on-prem-route OnPremRouteMissing fail'],
  },
  // Check 6
  {
    name: 'no Transit Gateway is configured',
    config: (c) => {
      delete c.transitGatewayId;
      for (const v of c.vips as Record<string, unknown>[]) delete v.transitGatewayRoute;
    },
    expected: ['tgw.defaults TransitGatewayNotConfigured fail'],
  },
  {
    name: 'the Transit Gateway is not visible and no network role is configured',
    account: (m) => {
      m.transitGateways = [];
    },
    // A wrong id, or another account's TGW: its route tables cannot be judged from here.
    expected: [
      'tgw.defaults TransitGatewayNotVisible unknown',
      'tgw.attachment TransitGatewayNotVisible unknown',
      'tgw.vip-route TransitGatewayNotVisible unknown',
    ],
  },
  {
    name: 'the Transit Gateway does not exist in the network account',
    config: (c) => {
      c.network = { roleArn: 'arn:aws:iam::222222222222:role/routekeeper-network' };
    },
    account: (m) => {
      m.transitGateways = [];
    },
    expected: ['tgw.defaults TransitGatewayNotFound fail'],
  },
  {
    name: 'default route table propagation is disabled',
    account: (m) => {
      (
        first(m.transitGateways).Options as { DefaultRouteTablePropagation?: string }
      ).DefaultRouteTablePropagation = 'disable';
    },
    expected: ['tgw.defaults TransitGatewayDefaultsDisabled fail'],
  },
  {
    name: 'the cluster VPC has no attachment',
    account: (m) => {
      m.attachments = [];
    },
    expected: ['tgw.attachment AttachmentMissing fail'],
  },
  {
    name: 'the configured attachment is not the cluster VPC attachment',
    account: (m) => {
      first(m.attachments).TransitGatewayAttachmentId = 'tgw-attach-0ffffffffffffffff';
    },
    expected: ['tgw.attachment AttachmentMismatch fail'],
  },
  {
    name: 'the attachment is not available',
    account: (m) => {
      first(m.attachments).State = 'pending';
    },
    expected: ['tgw.attachment AttachmentNotAvailable fail'],
  },
  {
    name: 'the attachment has no subnet in the AZ of node2',
    account: (m) => {
      first(m.attachments).SubnetIds = [ID.node1.subnet];
    },
    expected: ['tgw.attachment-azs AttachmentAzMissing fail'],
  },
  // Check 7
  {
    name: 'the static TGW VIP route is missing',
    account: (m) => {
      m.tgwStatic.Routes = [];
    },
    expected: ['tgw.vip-route TgwRouteMissing fail'],
  },
  {
    name: 'the TGW knows the VIP only from a propagated route',
    account: (m) => {
      m.tgwStatic.Routes = [];
      m.tgwPropagated.Routes?.push({
        DestinationCidrBlock: VIP_ROUTE,
        Type: 'propagated',
        State: 'active',
        TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'tgw-attach-0eeeeeeeeeeeeeeee' }],
      });
    },
    expected: ['tgw.vip-route TgwRoutePropagatedOnly fail'],
  },
  {
    name: 'the static TGW VIP route is a blackhole',
    account: (m) => {
      const route = m.tgwStatic.Routes?.[0];
      if (route) {
        route.State = 'blackhole';
        route.TransitGatewayAttachments = [];
      }
    },
    expected: ['tgw.vip-route TgwRouteBlackhole fail'],
  },
  {
    name: 'the static TGW VIP route targets another attachment',
    account: (m) => {
      first(m.tgwStatic.Routes).TransitGatewayAttachments = [
        { TransitGatewayAttachmentId: 'tgw-attach-0eeeeeeeeeeeeeeee' },
      ];
    },
    expected: ['tgw.vip-route TgwRouteWrongAttachment fail'],
  },
  {
    name: 'the API reports no attachment for the static route (as moto does): unknown',
    account: (m) => {
      first(m.tgwStatic.Routes).TransitGatewayAttachments = [];
    },
    expected: ['tgw.vip-route TgwRouteTargetUnobservable unknown'],
  },
  {
    name: 'the search reports more routes available and the VIP route is not among those returned',
    account: (m) => {
      m.tgwStatic = { Routes: [], AdditionalRoutesAvailable: true };
    },
    expected: ['tgw.vip-route TgwSearchIncomplete unknown'],
  },
  {
    name: 'the static TGW VIP route is still pending',
    account: (m) => {
      first(m.tgwStatic.Routes).State = 'pending';
    },
    expected: ['tgw.vip-route TgwRouteNotActive fail'],
  },
  {
    name: 'a VIP has no transitGatewayRoute configured',
    config: (c) => {
      for (const v of c.vips as Record<string, unknown>[]) delete v.transitGatewayRoute;
    },
    expected: ['tgw.vip-route TgwRouteNotConfigured fail'],
  },
  {
    name: 'the TGW route search is throttled: unknown, never pass',
    account: (m) => {
      m.failing.SearchTransitGatewayRoutes = throttled();
    },
    expected: ['tgw.vip-route ApiError unknown'],
  },
  // Check 8
  {
    name: 'the DX gateway is not associated with the Transit Gateway',
    config: withDx,
    account: (m) => {
      m.dxAssociations = [];
    },
    expected: ['dx.allowed-prefixes DxAssociationMissing fail'],
  },
  {
    name: 'the DX gateway association is still being set up',
    config: withDx,
    account: (m) => {
      first(m.dxAssociations).associationState = 'associating';
    },
    expected: ['dx.allowed-prefixes DxAssociationNotAssociated fail'],
  },
  {
    name: 'the DX allowed prefixes do not include the VIP',
    config: withDx,
    account: (m) => {
      first(m.dxAssociations).allowedPrefixesToDirectConnectGateway = [{ cidr: '10.0.0.0/16' }];
    },
    expected: ['dx.allowed-prefixes DxPrefixMissing fail'],
  },
  {
    name: 'the DX association cannot be read',
    config: withDx,
    account: (m) => {
      m.failing.DescribeDirectConnectGatewayAssociations = throttled();
    },
    expected: ['dx.allowed-prefixes ApiError unknown'],
  },
  // Check 9
  {
    name: 'a route table of another VPC routes the VIP',
    account: (m) => {
      m.routeTables.push({
        RouteTableId: ID.otherTable,
        VpcId: ID.otherVpc,
        Associations: [],
        Routes: [
          {
            DestinationCidrBlock: VIP_ROUTE,
            NetworkInterfaceId: 'eni-0ffffffffffffffff',
            State: 'active',
          },
        ],
      });
    },
    expected: ['vpc.conflict OtherVpcVipRoute fail'],
  },
  // Check 11
  {
    name: 'the owner never sent a heartbeat',
    state: (s) => {
      s.liveness = ok(freshLiveness().filter((l) => l.node !== 'node1'));
    },
    expected: ['nodes.heartbeat HeartbeatMissing fail', 'nodes.clock-skew NoHeartbeat unknown'],
  },
  {
    name: "the owner's last heartbeat is too old",
    state: (s) => {
      s.liveness = ok(
        freshLiveness().map((l) =>
          l.node === 'node1'
            ? { ...l, lastSeen: new Date(NOW.getTime() - 600_000).toISOString() }
            : l,
        ),
      );
    },
    expected: ['nodes.heartbeat HeartbeatStale fail'],
  },
  {
    name: "a node's clock is skewed",
    state: (s) => {
      s.liveness = ok(
        freshLiveness().map((l) => (l.node === 'node2' ? { ...l, clockSkewMs: -9_000 } : l)),
      );
    },
    expected: ['nodes.clock-skew ClockSkew fail'],
  },
  // Check 12
  {
    name: 'the VIP target changed more often than allowed within the window',
    state: (s) => {
      s.history = ok([
        {
          cluster: 'lk-demo',
          vip: ID.vip,
          target: ID.node1.eni,
          changes: [1, 2, 3, 4].map((m) => new Date(NOW.getTime() - m * 60_000).toISOString()),
          updatedAt: new Date(NOW.getTime() - 60_000).toISOString(),
        },
      ]);
    },
    expected: ['vpc.flapping RouteFlapping fail'],
  },
  {
    name: 'describing route tables is throttled: route checks unknown, never pass',
    account: (m) => {
      m.failing.DescribeRouteTables = throttled();
    },
    expected: [
      'vpc.on-prem-route ApiError unknown',
      'vpc.vip-route ApiError unknown',
      'vpc.conflict ApiError unknown',
    ],
  },
];

describe('check engine findings', () => {
  it('finds nothing wrong in the guide topology', async () => {
    // Act
    const report = await checkAccount(healthyAccount(), accountConfig(withDx));
    // Assess
    expect(findings(report)).toEqual([]);
    expect(report.results.map((r) => r.check)).toEqual(
      expect.arrayContaining([
        'onprem.cidrs',
        'dx.allowed-prefixes',
        'tgw.defaults',
        'tgw.attachment',
        'tgw.attachment-azs',
        'tgw.vip-route',
        'vpc.exists',
        'vpc.vip-outside-cidr',
        'vpc.vip-route',
        'vpc.on-prem-route',
        'vpc.conflict',
        'vpc.flapping',
        'nodes.multi-az',
        'nodes.eni',
        'nodes.source-dest-check',
        'nodes.heartbeat',
        'nodes.clock-skew',
      ]),
    );
  });

  it.each(cases)('reports exactly the finding when $name', async (c) => {
    // Prepare
    const model = healthyAccount();
    c.account?.(model);
    const state = healthyState();
    c.state?.(state);
    // Act
    const report = await checkAccount(model, accountConfig(c.config), state);
    // Assess
    expect(findings(report)).toEqual(c.expected);
    for (const result of report.results.filter((r) => r.outcome !== 'pass')) {
      expect(result.evidence).not.toBe('');
      expect(result.fix).toMatch(/\S/);
    }
  });

  it('orders results along the traffic path', async () => {
    // Act
    const report = await checkAccount(healthyAccount(), accountConfig(withDx));
    // Assess
    const stages = [...new Set(report.results.map((r) => r.stage))];
    expect(stages).toEqual([
      'on-premises',
      'direct-connect',
      'transit-gateway',
      'vpc',
      'nodes',
      'routekeeper',
    ]);
  });

  it('names the recorded owner and the wrong target in the evidence', async () => {
    // Prepare
    const model = healthyAccount();
    vipRouteOf(model, ID.table2).NetworkInterfaceId = ID.node2.eni;
    const state = healthyState();
    state.records = ok([ownerRecord('node1')]);
    // Act
    const report = await checkAccount(model, accountConfig(), state);
    // Assess
    const finding = report.results.find((r) => r.code === 'VipRouteWrongTarget');
    expect(finding).toMatchObject({ vip: ID.vip, subject: ID.table2, severity: 'critical' });
    expect(finding?.evidence).toContain(`${ID.node2.eni} (node2)`);
    expect(finding?.evidence).toContain('owner node1');
  });
});
