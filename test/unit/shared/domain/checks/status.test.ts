import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../../shared/config/schema';
import { ok } from '../../../../../shared/domain/checks/snapshot';
import { assessStatus, type StatusFacts } from '../../../../../shared/domain/checks/status';
import { fixtureConfigInput, ID } from '../../../../support/guide';

const SECOND_TGW_TABLE = 'tgw-rtb-0b0b0b0b0b0b0b0b0';
const AT = new Date('2026-11-30T12:00:00.000Z');

/** The fixture with the VIP's static route in two TGW route tables (e.g. a shared TGW's two domains). */
const twoTgwTables = () => {
  const input = fixtureConfigInput();
  const cluster = input.clusters[0] as (typeof input.clusters)[number];
  const vip = cluster.vips[0] as (typeof cluster.vips)[number] & Record<string, unknown>;
  delete vip.transitGatewayRoute;
  vip.transitGatewayRoutes = [
    { routeTableId: ID.tgwTable, attachmentId: ID.attachment },
    { routeTableId: SECOND_TGW_TABLE, attachmentId: ID.attachment },
  ];
  return parseConfig(input);
};

const staticRoute = (attachment: string) => ({
  destination: `${ID.vip}/32`,
  type: 'static',
  state: 'active',
  attachmentIds: [attachment],
});

const facts = (tgwRoutes: StatusFacts['tgwRoutes']): StatusFacts => ({
  routeTables: ok([
    {
      id: ID.table1,
      vpcId: ID.vpc,
      main: false,
      subnetIds: [ID.node1.subnet],
      routes: [
        { destination: `${ID.vip}/32`, targetKind: 'eni', targetId: ID.node1.eni, state: 'active' },
      ],
    },
  ]),
  tgwRoutes,
  records: ok([]),
  pauses: ok([]),
  liveness: ok([]),
});

describe('routekeeper status: Transit Gateway route tables', () => {
  it('reports every TGW route table of the VIP, and a wrong second one disagrees', () => {
    // Prepare
    const config = twoTgwTables();
    // Act
    const report = assessStatus(
      config.clusters,
      facts({
        [ID.tgwTable]: ok({ routes: [staticRoute(ID.attachment)], complete: true }),
        [SECOND_TGW_TABLE]: ok({ routes: [], complete: true }),
      }),
      AT,
    );
    // Assess
    const vip = report.clusters[0]?.vips[0];
    expect(vip?.transitGatewayRoutes?.map((t) => [t.routeTableId, t.target, t.agreement])).toEqual([
      [ID.tgwTable, ID.attachment, 'agrees'],
      [SECOND_TGW_TABLE, 'no static route', 'disagrees'],
    ]);
    expect(vip?.agreement).toBe('disagrees');
    expect(vip?.problems).toContain(
      `Transit Gateway route ${SECOND_TGW_TABLE}: Missing (expected ${ID.attachment})`,
    );
  });

  it('agrees when the static route is in place in every TGW route table', () => {
    // Act
    const report = assessStatus(
      twoTgwTables().clusters,
      facts({
        [ID.tgwTable]: ok({ routes: [staticRoute(ID.attachment)], complete: true }),
        [SECOND_TGW_TABLE]: ok({ routes: [staticRoute(ID.attachment)], complete: true }),
      }),
      AT,
    );
    // Assess
    const vip = report.clusters[0]?.vips[0];
    expect(vip?.transitGatewayRoutes?.map((t) => t.agreement)).toEqual(['agrees', 'agrees']);
    expect(vip?.problems.filter((p) => p.startsWith('Transit Gateway'))).toEqual([]);
  });
});
