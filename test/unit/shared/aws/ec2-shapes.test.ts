import { DescribeVpcsCommand, EC2Client, type Route } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { routeTarget, vpcCidrBlocks } from '../../../../shared/aws/ec2-shapes';
import { makeVpcs, toView } from '../../../../shared/aws/route-tables';
import { toRouteTableFacts } from '../../../../shared/aws/snapshot';

const VPC = 'vpc-0123456789abcdef0';
const ENI = 'eni-0aaaaaaaaaaaaaaa1';
const INSTANCE = 'i-0aaaaaaaaaaaaaaa1';
const ec2 = mockClient(EC2Client);

beforeEach(() => {
  ec2.reset();
});

describe('vpcCidrBlocks: the one reading of a VPC CIDR set', () => {
  it('keeps blocks that are associating, associated or still disassociating, and drops removed ones', () => {
    // Prepare
    const vpc = {
      VpcId: VPC,
      CidrBlock: '10.0.0.0/16',
      CidrBlockAssociationSet: [
        { CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' as const } },
        { CidrBlock: '10.1.0.0/16', CidrBlockState: { State: 'associating' as const } },
        { CidrBlock: '10.2.0.0/16', CidrBlockState: { State: 'disassociating' as const } },
        { CidrBlock: '10.9.0.0/16', CidrBlockState: { State: 'disassociated' as const } },
        { CidrBlock: '10.8.0.0/16', CidrBlockState: { State: 'failed' as const } },
      ],
    };
    // Act
    const blocks = vpcCidrBlocks(vpc);
    // Assess
    expect(blocks).toEqual(['10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/16']);
  });

  it('keeps the primary block when the set lists no associated block (the case the two old copies disagreed on)', async () => {
    // Prepare: the old route-table reader fell back to CidrBlock here, the old snapshot returned nothing.
    const vpc = {
      VpcId: VPC,
      CidrBlock: '10.0.0.0/16',
      CidrBlockAssociationSet: [
        { CidrBlock: '10.3.0.0/16', CidrBlockState: { State: 'disassociated' as const } },
      ],
    };
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [vpc] });
    // Act
    const fromSwitchAdapter = await makeVpcs(new EC2Client({})).cidrBlocks(VPC);
    const fromShape = vpcCidrBlocks(vpc);
    // Assess
    expect(fromSwitchAdapter).toEqual(['10.0.0.0/16']);
    expect(fromShape).toEqual(['10.0.0.0/16']);
  });
});

describe('the switch adapter and the checks read a disassociating block alike', () => {
  it('counts a block still being disassociated as part of the VPC in routeSwitch', async () => {
    // Prepare: before, routeSwitch ignored it (associated only) and could route a VIP inside it.
    ec2.on(DescribeVpcsCommand).resolves({
      Vpcs: [
        {
          VpcId: VPC,
          CidrBlock: '10.0.0.0/16',
          CidrBlockAssociationSet: [
            { CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
            { CidrBlock: '10.1.0.0/16', CidrBlockState: { State: 'disassociating' } },
          ],
        },
      ],
    });
    // Act
    const blocks = await makeVpcs(new EC2Client({})).cidrBlocks(VPC);
    // Assess
    expect(blocks).toEqual(['10.0.0.0/16', '10.1.0.0/16']);
  });
});

describe('routeTarget: the one classification of a route target', () => {
  it.each<[string, Route, { kind: string; id: string }]>([
    [
      'an ENI, even when the instance is reported too',
      { NetworkInterfaceId: ENI, InstanceId: INSTANCE },
      { kind: 'eni', id: ENI },
    ],
    ['an instance only', { InstanceId: INSTANCE }, { kind: 'instance', id: INSTANCE }],
    ['the local route', { GatewayId: 'local' }, { kind: 'local', id: 'local' }],
    ['a VGW', { GatewayId: 'vgw-0123abcd' }, { kind: 'vpn-gateway', id: 'vgw-0123abcd' }],
    [
      'a TGW',
      { TransitGatewayId: 'tgw-0123abcd' },
      { kind: 'transit-gateway', id: 'tgw-0123abcd' },
    ],
    ['a NAT gateway', { NatGatewayId: 'nat-0123abcd' }, { kind: 'other', id: 'nat-0123abcd' }],
  ])('classifies %s', (_name, route, expected) => {
    // Act
    const target = routeTarget(route);
    // Assess
    expect(target).toEqual(expected);
  });

  it('gives routeSwitch and the checks the same target for the same route', () => {
    // Prepare
    const destination = '192.168.10.10/32';
    const table = {
      RouteTableId: 'rtb-0123456789abcdef0',
      VpcId: VPC,
      Routes: [
        { DestinationCidrBlock: destination, InstanceId: INSTANCE, State: 'active' as const },
      ],
    };
    // Act
    const view = toView(table, destination);
    const facts = toRouteTableFacts(table);
    // Assess
    expect(view.vipRoute).toEqual({ otherTarget: INSTANCE, state: 'active' });
    expect(facts.routes[0]).toMatchObject({ targetKind: 'instance', targetId: INSTANCE });
  });
});
