import type { RoutekeeperConfigInput } from '../shared/config/schema';

/**
 * The guide's topology, described once. Everything that models it derives from here: the emulator builder
 * (dev/topology.ts: the demo, the benchmark, the integration tests) and the unit-test fixture
 * (test/support/guide.ts: aws-sdk-client-mock answers and in-memory fakes).
 *
 * VPC A (10.0.0.0/16) with node1 and node2 in two AZs, each with a second ENI (source/dest check off);
 * one managed route table per node subnet with VIP/32 → node1's ENI and the on-premises CIDR → the Transit
 * Gateway; a Transit Gateway (default association and propagation) with the VPC attachment and a static
 * VIP/32 route, associated with a Direct Connect gateway; and VPC B (10.2.0.0/16) whose route table holds a
 * route for the same VIP (the Windows kit's known issue).
 *
 * The ids are the ones the unit fixture uses; the emulator assigns its own, and the builder returns those
 * in the same shape (`Topology`).
 */

export const REGION = 'us-east-1';
export const CLUSTER = 'lk-demo';
export const VIP = '10.1.0.10';
export const ON_PREM_CIDR = '192.168.0.0/16';

export const GUIDE = {
  region: REGION,
  cluster: CLUSTER,
  vip: VIP,
  onPremisesCidr: ON_PREM_CIDR,
  vpcCidr: '10.0.0.0/16',
  /** One node per AZ; node1 holds the VIP at the start. */
  nodes: [
    { name: 'node1', az: `${REGION}a`, subnetCidr: '10.0.1.0/24' },
    { name: 'node2', az: `${REGION}b`, subnetCidr: '10.0.2.0/24' },
  ],
  otherVpc: { cidr: '10.2.0.0/16', az: `${REGION}a`, subnetCidr: '10.2.1.0/24' },
} as const;

/** The ids of one instance of the guide's topology. */
export interface Topology {
  readonly vpcA: string;
  readonly vpcB: string;
  readonly subnets: readonly string[];
  readonly nodes: readonly { name: string; instanceId: string; eniId: string; subnetId: string }[];
  /** The managed route tables of VPC A, one per node subnet first (the builder can make more). */
  readonly routeTables: readonly string[];
  readonly otherVpcRouteTable: string;
  readonly otherVpcEni: string;
  readonly transitGatewayId: string;
  readonly tgwRouteTableId: string;
  readonly attachmentId: string;
}

/** The unit fixture's ids, plus what only the fixture models (the main table, the Direct Connect gateway). */
export const GUIDE_IDS: Topology & { readonly mainRouteTable: string; readonly dxGateway: string } =
  {
    vpcA: 'vpc-0a1b2c3d4e5f60718',
    vpcB: 'vpc-0b0b0b0b0b0b0b0b0',
    subnets: ['subnet-0000000000000001a', 'subnet-0000000000000001b'],
    nodes: [
      {
        name: 'node1',
        instanceId: 'i-0a1b2c3d4e5f60711',
        eniId: 'eni-0a1b2c3d4e5f60711',
        subnetId: 'subnet-0000000000000001a',
      },
      {
        name: 'node2',
        instanceId: 'i-0a1b2c3d4e5f60722',
        eniId: 'eni-0a1b2c3d4e5f60722',
        subnetId: 'subnet-0000000000000001b',
      },
    ],
    routeTables: ['rtb-0a1b2c3d4e5f60701', 'rtb-0a1b2c3d4e5f60702'],
    otherVpcRouteTable: 'rtb-0b0b0b0b0b0b0b0b0',
    otherVpcEni: 'eni-0b0b0b0b0b0b0b0b0',
    transitGatewayId: 'tgw-0a1b2c3d4e5f60718',
    tgwRouteTableId: 'tgw-rtb-0a1b2c3d4e5f60718',
    attachmentId: 'tgw-attach-0a1b2c3d4e5f60718',
    mainRouteTable: 'rtb-0a1b2c3d4e5f60700',
    dxGateway: '5f6e7d8c-0000-4000-8000-000000000001',
  };

type ClusterInput = RoutekeeperConfigInput['clusters'][number];

/** The routekeeper configuration that goes with a topology (one cluster, the guide's VIP). */
export const topologyConfig = (
  topology: Topology,
  vip: Partial<ClusterInput['vips'][number]> = {},
  cluster: Partial<ClusterInput> = {},
): RoutekeeperConfigInput => ({
  clusters: [
    {
      name: CLUSTER,
      region: REGION,
      vpcId: topology.vpcA,
      vpcCidrs: [GUIDE.vpcCidr],
      transitGatewayId: topology.transitGatewayId,
      onPremisesCidrs: [ON_PREM_CIDR],
      nodes: topology.nodes.map(({ name, instanceId, eniId }) => ({ name, instanceId, eniId })),
      vips: [
        {
          address: VIP,
          routeTables: [...topology.routeTables],
          transitGatewayRoute: {
            routeTableId: topology.tgwRouteTableId,
            attachmentId: topology.attachmentId,
          },
          ...vip,
        },
      ],
      ...cluster,
    },
  ],
});
