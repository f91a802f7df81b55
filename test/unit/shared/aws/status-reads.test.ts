import 'aws-sdk-client-mock-vitest/extend';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeRouteTablesCommand,
  EC2Client,
  type Filter,
  type RouteTable,
  SearchTransitGatewayRoutesCommand,
} from '@aws-sdk/client-ec2';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readStatusFacts } from '../../../../shared/aws/status-reads';
import { parseConfig } from '../../../../shared/config/schema';
import { assessStatus } from '../../../../shared/domain/checks/status';
import { fixtureConfigInput, ID } from '../../../support/guide';

const ec2 = mockClient(EC2Client);
const documents = mockClient(DynamoDBDocumentClient);

const OTHER_VPC = 'vpc-0c0c0c0c0c0c0c0c0';
const vips = (n: number) => Array.from({ length: n }, (_, i) => `10.1.1.${i + 1}`);

/** Two clusters in two VPCs, `perCluster` VIPs each, every VIP routed to node1 in a table of its VPC. */
const account = (perCluster: number) => {
  const input = fixtureConfigInput();
  const first = input.clusters[0] as (typeof input.clusters)[number];
  const second = {
    ...structuredClone(first),
    name: 'lk-two',
    vpcId: OTHER_VPC,
    signing: { keyStore: 'ssm:/routekeeper/dev/lk-two/keys' },
    nodes: first.nodes.map((n, i) => ({
      name: n.name,
      instanceId: `i-0c0c0c0c0c0c0c0${i}${i}`,
      eniId: `eni-0c0c0c0c0c0c0c0${i}${i}`,
    })),
  };
  const addresses = vips(perCluster * 2);
  first.vips = addresses
    .slice(0, perCluster)
    .map((address) => ({ ...first.vips[0], address, routeTables: [] }));
  second.vips = addresses
    .slice(perCluster)
    .map((address) => ({ ...first.vips[0], address, routeTables: [] }));
  const config = parseConfig({ clusters: [first, second] });
  const tables: RouteTable[] = [
    {
      RouteTableId: ID.table1,
      VpcId: ID.vpc,
      Routes: addresses.slice(0, perCluster).map((a) => ({
        DestinationCidrBlock: `${a}/32`,
        NetworkInterfaceId: ID.node1.eni,
        State: 'active',
      })),
    },
    {
      RouteTableId: 'rtb-0c0c0c0c0c0c0c0c0',
      VpcId: OTHER_VPC,
      Routes: addresses.slice(perCluster).map((a) => ({
        DestinationCidrBlock: `${a}/32`,
        NetworkInterfaceId: 'eni-0c0c0c0c0c0c0c000',
        State: 'active',
      })),
    },
    { RouteTableId: 'rtb-0d0d0d0d0d0d0d0d0', VpcId: 'vpc-0d0d0d0d0d0d0d0d0', Routes: [] },
  ];
  const records = config.clusters.flatMap((c) =>
    c.vips.map((v) => ({
      pk: `${c.name}#${v.address}`,
      cluster: c.name,
      vip: v.address,
      owner: 'node1',
      eni: c.nodes[0]?.eniId,
      orderToken: 1000,
      idempotencyKey: 'k',
      reason: 'bootstrap',
      phase: 'APPLIED',
      updatedAt: '2026-01-01T00:00:00.000Z',
    })),
  );
  return { config, tables, records, addresses };
};

/** DescribeRouteTables as AWS answers it: the values of one filter are OR-ed, filters AND-ed. */
const awsFilter = (tables: RouteTable[]) => (input: { Filters?: Filter[] }) => ({
  RouteTables: tables.filter((table) =>
    (input.Filters ?? []).every((filter) => {
      const values = filter.Values ?? [];
      if (filter.Name === 'vpc-id') return values.includes(table.VpcId ?? '');
      if (filter.Name === 'route.destination-cidr-block')
        return (table.Routes ?? []).some((r) => values.includes(r.DestinationCidrBlock ?? ''));
      throw new Error(`unexpected filter ${filter.Name}`);
    }),
  ),
});

describe('status reads', () => {
  beforeEach(() => {
    ec2.reset();
    documents.reset();
  });

  it.each([1, 25])(
    'reads %i VIP(s) per cluster with the same calls: one DescribeRouteTables for both VPCs, one TGW search, one scan per table',
    async (perCluster) => {
      // Prepare
      const { config, tables, records } = account(perCluster);
      ec2.on(DescribeRouteTablesCommand).callsFake(awsFilter(tables));
      ec2
        .on(SearchTransitGatewayRoutesCommand)
        .resolves({ Routes: [], AdditionalRoutesAvailable: false });
      documents.on(ScanCommand, { TableName: 'state' }).resolves({ Items: records });
      documents.on(ScanCommand, { TableName: 'liveness' }).resolves({ Items: [] });
      // Act
      const facts = await readStatusFacts(
        {
          ec2: new EC2Client({ region: 'us-east-1' }),
          documents: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
        },
        { state: 'state', liveness: 'liveness' },
        config.clusters,
      );
      // Assess
      expect(ec2).toHaveReceivedCommandTimes(DescribeRouteTablesCommand, 1);
      expect(ec2).toHaveReceivedCommandWith(DescribeRouteTablesCommand, {
        Filters: [{ Name: 'vpc-id', Values: [ID.vpc, OTHER_VPC].sort() }],
      });
      expect(ec2).toHaveReceivedCommandTimes(SearchTransitGatewayRoutesCommand, 1);
      expect(documents).toHaveReceivedCommandTimes(ScanCommand, 2);
      const report = assessStatus(config.clusters, facts, new Date('2026-01-01T00:01:00.000Z'));
      const tableVerdicts = report.clusters.flatMap((c) =>
        c.vips.flatMap((v) => v.tables.map((t) => t.agreement)),
      );
      expect(tableVerdicts).toEqual(Array.from({ length: perCluster * 2 }, () => 'agrees'));
    },
  );

  it('a failed route table read makes the tables unknown, never agreeing', async () => {
    // Prepare
    const { config, records, addresses } = account(1);
    ec2
      .on(DescribeRouteTablesCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
    ec2.on(SearchTransitGatewayRoutesCommand).resolves({
      Routes: addresses.map((a) => ({
        DestinationCidrBlock: `${a}/32`,
        Type: 'static',
        State: 'active',
        TransitGatewayAttachments: [{ TransitGatewayAttachmentId: ID.attachment }],
      })),
    });
    documents.on(ScanCommand).resolves({ Items: records });
    // Act
    const facts = await readStatusFacts(
      {
        ec2: new EC2Client({ region: 'us-east-1' }),
        documents: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      },
      { state: 'state', liveness: 'liveness' },
      config.clusters,
    );
    const report = assessStatus(config.clusters, facts, new Date());
    // Assess
    expect(facts.routeTables.ok).toBe(false);
    expect(report.agreement).toBe('unknown');
    expect(report.clusters[0]?.vips[0]?.transitGateway?.agreement).toBe('agrees');
    expect(report.clusters[0]?.vips[0]?.problems).toContainEqual(
      expect.stringMatching(/^route tables unreadable: .*denied/),
    );
  });
});
