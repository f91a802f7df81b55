/**
 * The conflict check (same VIP routed in another VPC) reads every VIP's routes with ONE DescribeRouteTables
 * filter holding all the VIPs: AWS OR-s the values of a filter. moto AND-s them, so on the emulator a
 * conflict on one of two or more VIPs goes unseen (docs/operations.md, "Emulator limits"); here the
 * account answers as AWS does (test/support/account.ts).
 */
import { DirectConnectClient } from '@aws-sdk/client-direct-connect';
import { DescribeRouteTablesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { GUIDE } from '../../../../dev/guide';
import { readSnapshot } from '../../../../shared/aws/snapshot';
import { type ClusterReport, runChecks } from '../../../../shared/domain/checks/run';
import {
  accountConfig,
  findings,
  healthyAccount,
  healthyState,
  ID,
  installAccount,
  NOW,
} from '../../../support/account';

const SECOND_VIP = '10.1.0.11';

describe('reading the VIP routes of every VPC (doctor and drift, check 9)', () => {
  it('finds a conflict on the second of two VIPs: one filter, its values OR-ed as on AWS', async () => {
    // Prepare: both VIPs routed in the managed tables; another VPC routes only the second one.
    const model = healthyAccount();
    for (const table of model.routeTables.filter((t) => t.RouteTableId !== ID.mainTable))
      table.Routes?.push({
        DestinationCidrBlock: `${SECOND_VIP}/32`,
        NetworkInterfaceId: ID.node1.eni,
        State: 'active',
      });
    model.routeTables.push({
      RouteTableId: ID.otherTable,
      VpcId: ID.otherVpc,
      Associations: [],
      Routes: [
        {
          DestinationCidrBlock: `${SECOND_VIP}/32`,
          NetworkInterfaceId: ID.otherEni,
          State: 'active',
        },
      ],
    });
    const config = accountConfig((cluster) => {
      const [first] = cluster.vips as Record<string, unknown>[];
      cluster.vips = [first, { ...first, address: SECOND_VIP, transitGatewayRoute: undefined }];
    });
    const { ec2 } = installAccount(model);
    // Act
    const snapshot = await readSnapshot(
      {
        ec2: new EC2Client({ region: GUIDE.region, maxAttempts: 1 }),
        directConnect: new DirectConnectClient({ region: GUIDE.region, maxAttempts: 1 }),
      },
      config.clusters,
    );
    const [report] = runChecks(config.clusters, { snapshot, state: healthyState(), now: NOW }) as [
      ClusterReport,
    ];
    // Assess
    const conflicts = report.results.filter(
      (r) => r.check === 'vpc.conflict' && r.outcome === 'fail',
    );
    expect(conflicts.map((r) => [r.code, r.vip, r.subject])).toEqual([
      ['OtherVpcVipRoute', SECOND_VIP, ID.otherTable],
    ]);
    const byVip = ec2
      .commandCalls(DescribeRouteTablesCommand)
      .map((call) => call.args[0].input.Filters)
      .filter((filters) => filters?.[0]?.Name === 'route.destination-cidr-block');
    expect(byVip).toEqual([
      [{ Name: 'route.destination-cidr-block', Values: [`${ID.vip}/32`, `${SECOND_VIP}/32`] }],
    ]);
    expect(findings(report)).toContain('vpc.conflict OtherVpcVipRoute fail');
  });
});
