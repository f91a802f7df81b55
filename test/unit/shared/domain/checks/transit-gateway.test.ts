/**
 * The Transit Gateway checks with several TGW route tables per VIP (each table its own finding) and with a
 * Transit Gateway in a network account (config `network`): read through the real snapshot reader from
 * mocked EC2 / Direct Connect clients, which also show what moto cannot (route targets, DX, ownership).
 */
import { DirectConnectClient } from '@aws-sdk/client-direct-connect';
import { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../../../../shared/aws/snapshot';
import { AwsCallError, NETWORK_ROLE_UNAVAILABLE } from '../../../../../shared/core/errors';
import { planProbes } from '../../../../../shared/domain/checks/doctor';
import {
  type AccountModel,
  accountConfig,
  checkAccount,
  healthyAccount,
  healthyState,
  ID,
  installAccount,
  NOW,
} from '../../../../support/account';

const VIP_ROUTE = `${ID.vip}/32`;
const ON_PREM_TABLE = 'tgw-rtb-0a1b2c3d4e5f60799';
const NETWORK_ROLE = 'arn:aws:iam::222222222222:role/routekeeper-network';

const staticRoute = (attachmentId: string, state: 'active' | 'blackhole' = 'active') => ({
  DestinationCidrBlock: VIP_ROUTE,
  Type: 'static' as const,
  State: state,
  TransitGatewayAttachments: [{ TransitGatewayAttachmentId: attachmentId }],
});

/** The fixture's VIP with its static route required in two TGW route tables. */
const twoTablesConfig = (change: (cluster: Record<string, unknown>) => void = () => undefined) =>
  accountConfig((cluster) => {
    for (const vip of cluster.vips as Record<string, unknown>[]) {
      delete vip.transitGatewayRoute;
      vip.transitGatewayRoutes = [
        { routeTableId: ID.tgwTable, attachmentId: ID.attachment },
        { routeTableId: ON_PREM_TABLE, attachmentId: ID.attachment },
      ];
    }
    change(cluster);
  });

const withOnPremTable = (
  model: AccountModel,
  routes: ReturnType<typeof staticRoute>[],
): AccountModel => ({
  ...model,
  tgwTables: {
    [ON_PREM_TABLE]: {
      static: { Routes: routes, AdditionalRoutesAvailable: false },
      propagated: { Routes: [], AdditionalRoutesAvailable: false },
    },
  },
});

const tgwResults = async (model: AccountModel, config = twoTablesConfig()) => {
  const report = await checkAccount(model, config);
  return report.results
    .filter((r) => r.check.startsWith('tgw.') || r.check.startsWith('dx.'))
    .map((r) => ({
      id: `${r.check} ${r.code} ${r.outcome} ${r.subject ?? ''}`.trim(),
      fix: r.fix,
    }));
};

describe('tgw.vip-route with several TGW route tables', () => {
  it('passes each table on its own', async () => {
    // Act
    const results = await tgwResults(
      withOnPremTable(healthyAccount(), [staticRoute(ID.attachment)]),
    );
    // Assess
    expect(results.filter((r) => r.id.startsWith('tgw.vip-route')).map((r) => r.id)).toEqual([
      `tgw.vip-route Ok pass ${ID.tgwTable}`,
      `tgw.vip-route Ok pass ${ON_PREM_TABLE}`,
    ]);
  });

  it.each([
    { situation: 'no route', routes: [], code: 'TgwRouteMissing', verb: 'create' },
    {
      situation: 'a route to another attachment',
      routes: [staticRoute('tgw-attach-0ffffffffffffffff')],
      code: 'TgwRouteWrongAttachment',
      verb: 'replace',
    },
    {
      situation: 'a blackhole route',
      routes: [staticRoute(ID.attachment, 'blackhole')],
      code: 'TgwRouteBlackhole',
      verb: 'replace',
    },
  ])(
    'reports $situation in the second table as its own finding',
    async ({ routes, code, verb }) => {
      // Act
      const results = await tgwResults(withOnPremTable(healthyAccount(), routes));
      // Assess
      const vipRoutes = results.filter((r) => r.id.startsWith('tgw.vip-route'));
      expect(vipRoutes.map((r) => r.id)).toEqual([
        `tgw.vip-route Ok pass ${ID.tgwTable}`,
        `tgw.vip-route ${code} fail ${ON_PREM_TABLE}`,
      ]);
      expect(vipRoutes[1]?.fix).toBe(
        `aws ec2 ${verb}-transit-gateway-route --transit-gateway-route-table-id ${ON_PREM_TABLE} --destination-cidr-block ${VIP_ROUTE} --transit-gateway-attachment-id ${ID.attachment}`,
      );
    },
  );

  it('keeps the single transitGatewayRoute form working', async () => {
    // Act
    const results = await tgwResults(healthyAccount(), accountConfig());
    // Assess
    expect(results.filter((r) => r.id.startsWith('tgw.vip-route')).map((r) => r.id)).toEqual([
      `tgw.vip-route Ok pass ${ID.tgwTable}`,
    ]);
  });
});

describe('doctor with several TGW route tables', () => {
  it('plans one ReplaceTransitGatewayRoute DryRun probe per TGW route table of the VIP', async () => {
    // Prepare
    const config = twoTablesConfig();
    installAccount(healthyAccount());
    const snapshot = await readSnapshot(
      {
        ec2: new EC2Client({ region: 'us-east-1', maxAttempts: 1 }),
        directConnect: new DirectConnectClient({ region: 'us-east-1', maxAttempts: 1 }),
      },
      config.clusters,
    );
    // Act
    const plans = planProbes(config.clusters, snapshot, healthyState(), NOW);
    // Assess
    expect(
      plans
        .filter((p) => p.action === 'ReplaceTransitGatewayRoute')
        .map((p) => [p.resource, p.target]),
    ).toEqual([
      [ID.tgwTable, ID.attachment],
      [ON_PREM_TABLE, ID.attachment],
    ]);
  });
});

describe('Transit Gateway checks and the network account', () => {
  it('through a network role, judges the TGW like a local one', async () => {
    // Prepare: the reads are the role's (here the same mock): nothing is blind.
    const model = healthyAccount();
    for (const tgw of model.transitGateways) tgw.OwnerId = '222222222222';
    // Act
    const results = await tgwResults(
      model,
      accountConfig((c) => {
        c.network = { roleArn: NETWORK_ROLE };
      }),
    );
    // Assess
    expect(results.every((r) => r.id.includes(' pass'))).toBe(true);
  });

  it('without a role, a TGW owned by another account makes its route tables and DX unknown, naming network.roleArn', async () => {
    // Prepare: shared through RAM, the TGW and its attachment are visible; its route tables are not.
    const model = healthyAccount();
    for (const tgw of model.transitGateways) tgw.OwnerId = '222222222222';
    for (const vpc of model.vpcs) vpc.OwnerId = '123456789012';
    // Act
    const results = await tgwResults(
      model,
      accountConfig((c) => {
        c.directConnectGatewayId = ID.dxGateway;
      }),
    );
    // Assess
    expect(results.filter((r) => !r.id.includes(' pass')).map((r) => r.id)).toEqual([
      `dx.allowed-prefixes TransitGatewayInOtherAccount unknown ${ID.dxGateway}`,
      `tgw.vip-route TransitGatewayInOtherAccount unknown ${ID.tgwTable}`,
    ]);
    for (const result of results.filter((r) => !r.id.includes(' pass')))
      expect(result.fix).toContain('set clusters[].network.roleArn');
  });

  it('a role that cannot be assumed makes every TGW and DX check unknown, naming the role', async () => {
    // Prepare
    const model = healthyAccount();
    const denied = new AwsCallError(
      `${NETWORK_ROLE_UNAVAILABLE}: could not assume ${NETWORK_ROLE}: AccessDenied: not authorized`,
      NETWORK_ROLE_UNAVAILABLE,
      false,
    );
    for (const operation of [
      'DescribeTransitGateways',
      'DescribeTransitGatewayVpcAttachments',
      'SearchTransitGatewayRoutes',
      'DescribeDirectConnectGatewayAssociations',
    ])
      model.failing[operation] = denied;
    // Act
    const results = await tgwResults(
      model,
      twoTablesConfig((c) => {
        c.network = { roleArn: NETWORK_ROLE, externalId: 'ext-1' };
        c.directConnectGatewayId = ID.dxGateway;
      }),
    );
    // Assess
    expect(results.map((r) => r.id)).toEqual([
      `dx.allowed-prefixes ${NETWORK_ROLE_UNAVAILABLE} unknown ${ID.dxGateway}`,
      `tgw.defaults ${NETWORK_ROLE_UNAVAILABLE} unknown`,
      `tgw.attachment ${NETWORK_ROLE_UNAVAILABLE} unknown`,
      `tgw.vip-route ${NETWORK_ROLE_UNAVAILABLE} unknown ${ID.tgwTable}`,
      `tgw.vip-route ${NETWORK_ROLE_UNAVAILABLE} unknown ${ON_PREM_TABLE}`,
    ]);
    for (const result of results) {
      expect(result.fix).toContain(`Let routekeeper assume ${NETWORK_ROLE}`);
      expect(result.fix).toContain('externalId');
    }
  });

  it('an ordinary API error through the role stays a plain ApiError', async () => {
    // Prepare
    const model = healthyAccount();
    model.failing.SearchTransitGatewayRoutes = Object.assign(new Error('Rate exceeded'), {
      name: 'RequestLimitExceeded',
      $metadata: { httpStatusCode: 503 },
    });
    // Act
    const results = await tgwResults(
      model,
      accountConfig((c) => {
        c.network = { roleArn: NETWORK_ROLE };
      }),
    );
    // Assess
    expect(results.filter((r) => !r.id.includes(' pass')).map((r) => r.id)).toEqual([
      `tgw.vip-route ApiError unknown ${ID.tgwTable}`,
    ]);
  });
});
