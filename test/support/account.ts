import {
  DescribeDirectConnectGatewayAssociationsCommand,
  DirectConnectClient,
  type DirectConnectGatewayAssociation,
} from '@aws-sdk/client-direct-connect';
import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeTransitGatewaysCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Instance,
  type NetworkInterface,
  type RouteTable,
  SearchTransitGatewayRoutesCommand,
  type SearchTransitGatewayRoutesCommandOutput,
  type Subnet,
  type TransitGateway,
  type TransitGatewayVpcAttachment,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { CLUSTER, GUIDE } from '../../dev/guide';
import { readSnapshot } from '../../shared/aws/snapshot';
import { parseConfig, type RoutekeeperConfig } from '../../shared/config/schema';
import type { NodeLiveness, Pause, TargetHistory } from '../../shared/domain/checks/ports';
import { type ClusterReport, runChecks } from '../../shared/domain/checks/run';
import {
  ok,
  type PermissionProbe,
  type Read,
  type StateFacts,
} from '../../shared/domain/checks/snapshot';
import type { VipRecord } from '../../shared/domain/switch/ports';
import { fixtureConfigInput, ID } from './guide';

/**
 * A fake AWS account for unit tests: the guide's topology (dev/guide.ts, at the fixture's ids in ./guide.ts)
 * as EC2 / Direct Connect API answers, served by
 * aws-sdk-client-mock. Tests mutate a fresh model to break one thing, including what the emulator cannot
 * show (TGW route targets, blackholes, DX associations, incomplete searches).
 */
export { ID };

export const NOW = new Date('2026-11-25T10:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

export interface AccountModel {
  vpcs: Vpc[];
  instances: Instance[];
  enis: NetworkInterface[];
  subnets: Subnet[];
  routeTables: RouteTable[];
  transitGateways: TransitGateway[];
  attachments: TransitGatewayVpcAttachment[];
  tgwStatic: Partial<SearchTransitGatewayRoutesCommandOutput>;
  tgwPropagated: Partial<SearchTransitGatewayRoutesCommandOutput>;
  /** Route tables with searches of their own (several TGW route tables per VIP); others answer as above. */
  tgwTables?: Record<
    string,
    {
      static: Partial<SearchTransitGatewayRoutesCommandOutput>;
      propagated: Partial<SearchTransitGatewayRoutesCommandOutput>;
    }
  >;
  dxAssociations: DirectConnectGatewayAssociation[];
  /** A call that fails, by command name, with this error. */
  failing: Record<string, Error>;
}

const table = (id: string, subnet: string | undefined, vipEni: string | undefined): RouteTable => ({
  RouteTableId: id,
  VpcId: ID.vpc,
  Associations: subnet === undefined ? [{ Main: true }] : [{ SubnetId: subnet, Main: false }],
  Routes: [
    { DestinationCidrBlock: GUIDE.vpcCidr, GatewayId: 'local', State: 'active' },
    ...(vipEni === undefined
      ? []
      : [
          {
            DestinationCidrBlock: `${ID.vip}/32`,
            NetworkInterfaceId: vipEni,
            State: 'active' as const,
          },
        ]),
    { DestinationCidrBlock: GUIDE.onPremisesCidr, TransitGatewayId: ID.tgw, State: 'active' },
  ],
});

const node = (
  n: { instance: string; eni: string; subnet: string },
  az: string,
): { instance: Instance; eni: NetworkInterface } => ({
  instance: {
    InstanceId: n.instance,
    Placement: { AvailabilityZone: az },
    SubnetId: n.subnet,
    VpcId: ID.vpc,
    State: { Name: 'running', Code: 16 },
  },
  eni: {
    NetworkInterfaceId: n.eni,
    VpcId: ID.vpc,
    SubnetId: n.subnet,
    AvailabilityZone: az,
    SourceDestCheck: false,
    Attachment: { InstanceId: n.instance, Status: 'attached' },
  },
});

/** Everything as the guide wants it; node1 owns the VIP. */
export const healthyAccount = (): AccountModel => {
  const [az1, az2] = GUIDE.nodes.map((n) => n.az) as [string, string];
  const one = node(ID.node1, az1);
  const two = node(ID.node2, az2);
  return {
    vpcs: [
      {
        VpcId: ID.vpc,
        CidrBlock: GUIDE.vpcCidr,
        CidrBlockAssociationSet: [
          { CidrBlock: GUIDE.vpcCidr, CidrBlockState: { State: 'associated' } },
        ],
      },
    ],
    instances: [one.instance, two.instance],
    enis: [one.eni, two.eni],
    subnets: [
      { SubnetId: ID.node1.subnet, VpcId: ID.vpc, AvailabilityZone: az1 },
      { SubnetId: ID.node2.subnet, VpcId: ID.vpc, AvailabilityZone: az2 },
    ],
    routeTables: [
      table(ID.table1, ID.node1.subnet, ID.node1.eni),
      table(ID.table2, ID.node2.subnet, ID.node1.eni),
      table(ID.mainTable, undefined, undefined),
    ],
    transitGateways: [
      {
        TransitGatewayId: ID.tgw,
        State: 'available',
        Options: { DefaultRouteTableAssociation: 'enable', DefaultRouteTablePropagation: 'enable' },
      },
    ],
    attachments: [
      {
        TransitGatewayAttachmentId: ID.attachment,
        TransitGatewayId: ID.tgw,
        VpcId: ID.vpc,
        State: 'available',
        SubnetIds: [ID.node1.subnet, ID.node2.subnet],
      },
    ],
    tgwStatic: {
      Routes: [
        {
          DestinationCidrBlock: `${ID.vip}/32`,
          Type: 'static',
          State: 'active',
          TransitGatewayAttachments: [
            { TransitGatewayAttachmentId: ID.attachment, ResourceId: ID.vpc, ResourceType: 'vpc' },
          ],
        },
      ],
      AdditionalRoutesAvailable: false,
    },
    tgwPropagated: {
      Routes: [
        {
          DestinationCidrBlock: GUIDE.vpcCidr,
          Type: 'propagated',
          State: 'active',
          TransitGatewayAttachments: [{ TransitGatewayAttachmentId: ID.attachment }],
        },
      ],
      AdditionalRoutesAvailable: false,
    },
    dxAssociations: [
      {
        directConnectGatewayId: ID.dxGateway,
        associatedGateway: { id: ID.tgw, type: 'transitGateway' },
        associationState: 'associated',
        allowedPrefixesToDirectConnectGateway: [{ cidr: GUIDE.vpcCidr }, { cidr: `${ID.vip}/32` }],
      },
    ],
    failing: {},
  };
};

/** The fixture configuration, optionally changed (cluster 0), validated like at cold start. */
export const accountConfig = (
  change: (cluster: Record<string, unknown>) => void = () => undefined,
): RoutekeeperConfig => {
  const raw = fixtureConfigInput() as unknown as { clusters: Record<string, unknown>[] };
  change(raw.clusters[0] as Record<string, unknown>);
  return parseConfig(raw);
};

export const ownerRecord = (owner = 'node1', updatedMinutesAgo = 10): VipRecord => ({
  cluster: CLUSTER,
  vip: ID.vip,
  owner,
  eni: owner === 'node1' ? ID.node1.eni : ID.node2.eni,
  orderToken: 1_764_064_800_000,
  idempotencyKey: `failover#${CLUSTER}#${ID.vip}#${owner}#1764064800000`,
  reason: 'failover',
  phase: 'APPLIED',
  updatedAt: minutesAgo(updatedMinutesAgo),
});

export const freshLiveness = (): (NodeLiveness & { cluster: string })[] => [
  { cluster: CLUSTER, node: 'node1', lastSeen: minutesAgo(0.25), clockSkewMs: 120 },
  { cluster: CLUSTER, node: 'node2', lastSeen: minutesAgo(0.5), clockSkewMs: -80 },
];

export interface StateModel {
  records: Read<VipRecord[]>;
  liveness: Read<(NodeLiveness & { cluster: string })[]>;
  history: Read<TargetHistory[]>;
  pauses: Read<Pause[]>;
}

export const healthyState = (): StateModel => ({
  records: ok([ownerRecord()]),
  liveness: ok(freshLiveness()),
  history: ok([]),
  pauses: ok([]),
});

const matches = (rt: RouteTable, filter: { Name?: string; Values?: string[] }) => {
  const values = filter.Values ?? [];
  if (filter.Name === 'vpc-id') return values.includes(rt.VpcId ?? '');
  if (filter.Name === 'route.destination-cidr-block')
    return (rt.Routes ?? []).some((r) => values.includes(r.DestinationCidrBlock ?? ''));
  return true;
};

/** Serve the model through mocked EC2 and Direct Connect clients; returns the mocks for call counts. */
export const installAccount = (model: AccountModel) => {
  const ec2 = mockClient(EC2Client);
  const dx = mockClient(DirectConnectClient);
  const guard =
    <I, O>(name: string, answer: (input: I) => O) =>
    async (input: I) => {
      const error = model.failing[name];
      if (error !== undefined) throw error;
      return answer(input);
    };
  ec2.on(DescribeVpcsCommand).callsFake(guard('DescribeVpcs', () => ({ Vpcs: model.vpcs })));
  ec2
    .on(DescribeInstancesCommand)
    .callsFake(
      guard('DescribeInstances', () => ({ Reservations: [{ Instances: model.instances }] })),
    );
  ec2
    .on(DescribeNetworkInterfacesCommand)
    .callsFake(guard('DescribeNetworkInterfaces', () => ({ NetworkInterfaces: model.enis })));
  ec2
    .on(DescribeSubnetsCommand)
    .callsFake(guard('DescribeSubnets', () => ({ Subnets: model.subnets })));
  ec2.on(DescribeRouteTablesCommand).callsFake(
    guard('DescribeRouteTables', (input: { Filters?: { Name?: string; Values?: string[] }[] }) => ({
      RouteTables: model.routeTables.filter((rt) =>
        (input.Filters ?? []).every((f) => matches(rt, f)),
      ),
    })),
  );
  ec2
    .on(DescribeTransitGatewaysCommand)
    .callsFake(
      guard('DescribeTransitGateways', () => ({ TransitGateways: model.transitGateways })),
    );
  ec2.on(DescribeTransitGatewayVpcAttachmentsCommand).callsFake(
    guard('DescribeTransitGatewayVpcAttachments', () => ({
      TransitGatewayVpcAttachments: model.attachments,
    })),
  );
  ec2.on(SearchTransitGatewayRoutesCommand).callsFake(
    guard(
      'SearchTransitGatewayRoutes',
      (input: { TransitGatewayRouteTableId?: string; Filters?: { Values?: string[] }[] }) => {
        const own = model.tgwTables?.[input.TransitGatewayRouteTableId ?? ''];
        const isStatic = input.Filters?.[0]?.Values?.[0] === 'static';
        if (own !== undefined) return isStatic ? own.static : own.propagated;
        return isStatic ? model.tgwStatic : model.tgwPropagated;
      },
    ),
  );
  dx.on(DescribeDirectConnectGatewayAssociationsCommand).callsFake(
    guard('DescribeDirectConnectGatewayAssociations', () => ({
      directConnectGatewayAssociations: model.dxAssociations,
    })),
  );
  return { ec2, dx };
};

/** Read the mocked account through the real snapshot reader, then run every check. */
export const checkAccount = async (
  model: AccountModel,
  config: RoutekeeperConfig = accountConfig(),
  state: StateModel = healthyState(),
  probes?: Read<readonly PermissionProbe[]>,
): Promise<ClusterReport> => {
  installAccount(model);
  const snapshot = await readSnapshot(
    {
      ec2: new EC2Client({ region: GUIDE.region, maxAttempts: 1 }),
      directConnect: new DirectConnectClient({ region: GUIDE.region, maxAttempts: 1 }),
    },
    config.clusters,
  );
  const facts: StateFacts = state;
  const [report] = runChecks(config.clusters, {
    snapshot,
    state: facts,
    now: NOW,
    ...(probes === undefined ? {} : { probes }),
  });
  return report as ClusterReport;
};

/** The results that did not pass, as `check code outcome` lines: what a test asserts exactly. */
export const findings = (report: ClusterReport): string[] =>
  report.results
    .filter((r) => r.outcome !== 'pass')
    .map((r) => `${r.check} ${r.code} ${r.outcome}`);
