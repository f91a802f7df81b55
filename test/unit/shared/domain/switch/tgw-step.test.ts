/**
 * Several Transit Gateway route tables per VIP (custom TGW routing: one table for the on-premises
 * attachments, another for VPCs or a peering): routeSwitch ensures the static VIP route in each, each
 * with its own result, and one table's failure never stops the others. The single-table form is covered
 * by switch-route.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { RetryableSwitchError } from '../../../../../shared/domain/switch/outcomes';
import { resultEvent } from '../../../../../shared/domain/switch/report';
import { switchRoute } from '../../../../../shared/domain/switch/switch-route';
import { worstTgw } from '../../../../../shared/domain/switch/tgw-step';
import { awsError } from '../../../../support/fakes';
import {
  claim,
  DESTINATION,
  makeWorld,
  NODE2,
  RTB1,
  RTB2,
  TGW_ATTACHMENT,
  TGW_RTB,
  targets,
} from '../../../../support/world';

const ON_PREM_TABLE = 'tgw-rtb-0a1b2c3d4e5f60799';
const PEERING_ATTACHMENT = 'tgw-attach-0a1b2c3d4e5f60799';
const inPlace = (attachmentId = TGW_ATTACHMENT) => [
  { type: 'static', state: 'active', attachmentIds: [attachmentId] },
];

/** A VIP whose static route must be in the VPC table and in the on-premises table. */
const twoTables = () => {
  const world = makeWorld({
    transitGatewayRoute: undefined,
    transitGatewayRoutes: [
      { routeTableId: TGW_RTB, attachmentId: TGW_ATTACHMENT },
      { routeTableId: ON_PREM_TABLE, attachmentId: TGW_ATTACHMENT },
    ],
  });
  world.tgw.tables.set(TGW_RTB, inPlace());
  world.tgw.tables.set(ON_PREM_TABLE, inPlace());
  return world;
};

describe('switchRoute with several Transit Gateway route tables', () => {
  it('creates the route in the table that lacks it and leaves the other alone, each with its own result', async () => {
    // Prepare
    const world = twoTables();
    world.tgw.tables.set(ON_PREM_TABLE, []);
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome.kind).toBe('Switched');
    expect(outcome.tgwTables).toEqual([
      { routeTableId: TGW_RTB, finding: 'InPlace', action: 'none' },
      { routeTableId: ON_PREM_TABLE, finding: 'Missing', action: 'create' },
    ]);
    expect(outcome.tgw).toEqual({ finding: 'Missing', action: 'create' });
    expect(world.tgw.writes).toEqual([
      {
        op: 'createRoute',
        routeTableId: ON_PREM_TABLE,
        destination: DESTINATION,
        attachmentId: TGW_ATTACHMENT,
      },
    ]);
    expect(world.tgw.tables.get(ON_PREM_TABLE)).toEqual(inPlace());
    expect(targets(world.routes, [RTB1, RTB2])).toEqual({ [RTB1]: NODE2.eni, [RTB2]: NODE2.eni });
  });

  it('replaces a route to another attachment in one table (moto has no ReplaceTransitGatewayRoute)', async () => {
    // Prepare
    const world = twoTables();
    world.tgw.tables.set(TGW_RTB, inPlace(PEERING_ATTACHMENT));
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome.tgwTables).toEqual([
      { routeTableId: TGW_RTB, finding: 'WrongAttachment', action: 'replace' },
      { routeTableId: ON_PREM_TABLE, finding: 'InPlace', action: 'none' },
    ]);
    expect(world.tgw.writes.map((w) => [w.op, w.routeTableId])).toEqual([
      ['replaceRoute', TGW_RTB],
    ]);
    expect(world.tgw.tables.get(TGW_RTB)).toEqual(inPlace());
  });

  it('reports one table that cannot be written as Partial, naming it, and still fixes the other', async () => {
    // Prepare
    const world = twoTables();
    world.tgw.tables.set(TGW_RTB, []);
    world.tgw.tables.set(ON_PREM_TABLE, []);
    world.tgw.writeErrors.set(ON_PREM_TABLE, awsError('UnauthorizedOperation'));
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome.kind).toBe('Partial');
    expect(outcome.failed.map((f) => [f.routeTableId, f.code])).toEqual([
      [ON_PREM_TABLE, 'UnauthorizedOperation'],
    ]);
    expect(outcome.tgw).toEqual({
      finding: 'Missing',
      action: 'failed',
      code: 'UnauthorizedOperation',
      retryable: false,
    });
    expect(world.tgw.tables.get(TGW_RTB)).toEqual(inPlace());
    expect(world.state.current('lk-demo', '10.1.0.10')?.phase).toBe('PARTIAL');
  });

  it('throws a retryable error naming only the throttled table, after writing the other', async () => {
    // Prepare
    const world = twoTables();
    world.tgw.tables.set(TGW_RTB, []);
    world.tgw.tables.set(ON_PREM_TABLE, []);
    world.tgw.writeErrors.set(TGW_RTB, awsError('RequestLimitExceeded', true));
    // Act
    const error = await switchRoute(claim(NODE2, 2_000), world.deps).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Assess
    expect(error).toBeInstanceOf(RetryableSwitchError);
    expect((error as RetryableSwitchError).failures).toEqual([
      { routeTableId: TGW_RTB, code: 'RequestLimitExceeded' },
    ]);
    expect(world.tgw.tables.get(ON_PREM_TABLE)).toEqual(inPlace());
    expect(world.bus.published).toEqual([]);
  });

  it('lists every table in the result event, and the worst in transitGateway', async () => {
    // Prepare
    const world = twoTables();
    world.tgw.tables.set(ON_PREM_TABLE, []);
    const command = claim(NODE2, 2_000);
    // Act
    const outcome = await switchRoute(command, world.deps);
    const { detail } = resultEvent(command, outcome, 5);
    // Assess
    expect(detail.transitGateway).toBe('Missing/create');
    expect(detail.transitGatewayRoutes).toEqual([
      { routeTableId: TGW_RTB, finding: 'InPlace', action: 'none' },
      { routeTableId: ON_PREM_TABLE, finding: 'Missing', action: 'create' },
    ]);
  });

  it('keeps the single-table result shape: no per-table list for one table', async () => {
    // Prepare
    const world = makeWorld();
    // Act
    const outcome = await switchRoute(claim(NODE2, 2_000), world.deps);
    // Assess
    expect(outcome.tgw).toEqual({ finding: 'InPlace', action: 'none' });
    expect(outcome.tgwTables).toBeUndefined();
  });
});

describe('worstTgw', () => {
  it.each([
    {
      situation: 'a failure beats a write',
      results: [
        { routeTableId: 'a', finding: 'Missing' as const, action: 'create' as const },
        { routeTableId: 'b', finding: 'Unknown' as const, action: 'failed' as const, code: 'X' },
      ],
      worst: { finding: 'Unknown', action: 'failed', code: 'X' },
    },
    {
      situation: 'a write beats a table that could not be judged',
      results: [
        { routeTableId: 'a', finding: 'TargetUnobservable' as const, action: 'none' as const },
        { routeTableId: 'b', finding: 'Blackhole' as const, action: 'replace' as const },
      ],
      worst: { finding: 'Blackhole', action: 'replace' },
    },
    {
      situation: 'a table that could not be judged beats one in place',
      results: [
        { routeTableId: 'a', finding: 'InPlace' as const, action: 'none' as const },
        { routeTableId: 'b', finding: 'SearchIncomplete' as const, action: 'none' as const },
      ],
      worst: { finding: 'SearchIncomplete', action: 'none' },
    },
    {
      situation: 'the first of equals',
      results: [
        { routeTableId: 'a', finding: 'InPlace' as const, action: 'none' as const },
        { routeTableId: 'b', finding: 'InPlace' as const, action: 'none' as const },
      ],
      worst: { finding: 'InPlace', action: 'none' },
    },
  ])('$situation', ({ results, worst }) => {
    expect(worstTgw(results)).toEqual(worst);
  });

  it('is undefined without tables', () => {
    expect(worstTgw([])).toBeUndefined();
  });
});
