/**
 * `routekeeper switch --dry-run`'s plan with several Transit Gateway route tables per VIP: one TGW line
 * per table, judged as routeSwitch judges it, nothing written.
 */
import { describe, expect, it } from 'vitest';
import { planSwitch } from '../../../../../shared/domain/switch/plan';
import { claim, makeWorld, NODE2, TGW_ATTACHMENT, TGW_RTB } from '../../../../support/world';

const ON_PREM_TABLE = 'tgw-rtb-0a1b2c3d4e5f60799';
const inPlace = [{ type: 'static', state: 'active', attachmentIds: [TGW_ATTACHMENT] }];

describe('planSwitch', () => {
  it('plans the static route in every TGW route table of the VIP and writes nothing', async () => {
    // Prepare
    const world = makeWorld({
      transitGatewayRoute: undefined,
      transitGatewayRoutes: [
        { routeTableId: TGW_RTB, attachmentId: TGW_ATTACHMENT },
        { routeTableId: ON_PREM_TABLE, attachmentId: TGW_ATTACHMENT },
      ],
    });
    world.tgw.tables.set(TGW_RTB, inPlace);
    world.tgw.tables.set(ON_PREM_TABLE, []);
    // Act
    const plan = await planSwitch(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(plan.tgwTables).toEqual([
      { routeTableId: TGW_RTB, attachmentId: TGW_ATTACHMENT, finding: 'InPlace', action: 'none' },
      {
        routeTableId: ON_PREM_TABLE,
        attachmentId: TGW_ATTACHMENT,
        finding: 'Missing',
        action: 'create',
      },
    ]);
    expect(plan.tables.map((t) => t.kind)).toEqual(['replace', 'replace']);
    expect(world.tgw.writes).toEqual([]);
    expect(world.routes.writes).toEqual([]);
  });
});
