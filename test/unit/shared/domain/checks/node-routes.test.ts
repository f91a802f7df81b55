import { describe, expect, it } from 'vitest';
import {
  type ClaimVerdict,
  claimProgress,
  judgeNodeRoutes,
} from '../../../../../shared/domain/checks/node-routes';
import type { RouteTableView, VipRecord } from '../../../../../shared/domain/switch/ports';

const MINE = 'eni-0000000000000000a';
const OTHER = 'eni-0000000000000000b';
const table = (id: string, route?: RouteTableView['vipRoute']): RouteTableView => ({
  routeTableId: id,
  vpcId: 'vpc-00000001',
  ...(route === undefined ? {} : { vipRoute: route }),
});
const toEni = (eniId: string, state = 'active') => ({ eniId, state });

describe('judgeNodeRoutes', () => {
  it('is OnNode when every table routes the VIP to one of the node ENIs, actively', () => {
    // Act
    const routes = judgeNodeRoutes(
      [table('rtb-b', toEni(MINE)), table('rtb-a', toEni(MINE))],
      [MINE],
    );
    // Assess
    expect(routes).toEqual({ kind: 'OnNode', tables: ['rtb-a', 'rtb-b'] });
  });

  it('names every table that routes elsewhere, is blackholed, or lacks the route', () => {
    // Act
    const routes = judgeNodeRoutes(
      [
        table('rtb-a', toEni(MINE)),
        table('rtb-b', toEni(OTHER)),
        table('rtb-c', toEni(MINE, 'blackhole')),
        table('rtb-d', { otherTarget: 'i-0123', state: 'active' }),
      ],
      [MINE],
      ['rtb-e'],
    );
    // Assess
    expect(routes).toEqual({
      kind: 'Elsewhere',
      misrouted: [
        { routeTableId: 'rtb-b', target: OTHER },
        { routeTableId: 'rtb-c', target: `${MINE} (blackhole)` },
        { routeTableId: 'rtb-d', target: 'i-0123' },
        { routeTableId: 'rtb-e', target: 'missing' },
      ],
    });
  });

  it('never confirms a VPC with no table for the VIP', () => {
    // Act / Assess
    expect(judgeNodeRoutes([], [MINE])).toEqual({ kind: 'NoManagedTable' });
  });
});

describe('claimProgress', () => {
  const CLAIMED_AT = 1_800_000_000_000;
  const KEY = `failover#c#10.1.0.10#node2#${CLAIMED_AT}`;
  const onNode = judgeNodeRoutes([table('rtb-a', toEni(MINE))], [MINE]);
  const elsewhere = judgeNodeRoutes([table('rtb-a', toEni(OTHER))], [MINE]);
  const record = (owner: string, orderToken: number): VipRecord => ({
    cluster: 'c',
    vip: '10.1.0.10',
    owner,
    eni: OTHER,
    orderToken,
    idempotencyKey: 'k',
    reason: 'failover',
    phase: 'APPLIED',
    updatedAt: '2027-01-15T08:00:00Z',
  });
  const verdict = (fields: Partial<ClaimVerdict>): ClaimVerdict => ({
    idempotencyKey: KEY,
    orderToken: CLAIMED_AT,
    outcome: 'Switched',
    ...fields,
  });
  const base = { node: 'node2', claimedAt: CLAIMED_AT, idempotencyKey: KEY };

  it('confirms when the routes point here', () => {
    // Act / Assess
    expect(claimProgress({ ...base, routes: onNode })).toEqual({
      kind: 'Confirmed',
      tables: ['rtb-a'],
    });
  });

  it('is superseded when another node holds the record with a claim not older than this one', () => {
    // Act
    const progress = claimProgress({
      ...base,
      routes: onNode,
      record: record('node1', CLAIMED_AT + 1),
    });
    // Assess
    expect(progress).toMatchObject({ kind: 'Superseded', owner: 'node1' });
  });

  it('keeps waiting while the record still holds an older claim of another node', () => {
    // Act
    const progress = claimProgress({
      ...base,
      routes: elsewhere,
      record: record('node1', CLAIMED_AT - 1),
    });
    // Assess
    expect(progress.kind).toBe('Pending');
  });

  it('is refused, with the reason, when routekeeper refused this very claim', () => {
    // Act
    const progress = claimProgress({
      ...base,
      routes: elsewhere,
      verdict: verdict({
        outcome: 'Refused',
        refusal: 'VipInsideVpc',
        detail: 'VipInsideVpc: 10.1.0.10 lies inside the VPC CIDR 10.1.0.0/16',
      }),
    });
    // Assess
    expect(progress).toEqual({
      kind: 'Refused',
      why: 'Refused: VipInsideVpc: 10.1.0.10 lies inside the VPC CIDR 10.1.0.0/16',
    });
  });

  it('ignores a verdict on an earlier claim of the node', () => {
    // Act
    const progress = claimProgress({
      ...base,
      routes: elsewhere,
      verdict: verdict({ idempotencyKey: 'failover#c#10.1.0.10#node2#1', outcome: 'Refused' }),
    });
    // Assess
    expect(progress).toEqual({ kind: 'Pending', routes: elsewhere });
  });

  it('is superseded when routekeeper fenced this claim off for a newer one of another node', () => {
    // Act
    const progress = claimProgress({
      ...base,
      routes: elsewhere,
      verdict: verdict({ outcome: 'RejectedStale', owner: 'node1' }),
    });
    // Assess
    expect(progress).toMatchObject({ kind: 'Superseded', owner: 'node1' });
  });

  it("keeps waiting, with routekeeper's answer as a note, after a partial switch", () => {
    // Act
    const progress = claimProgress({
      ...base,
      routes: elsewhere,
      verdict: verdict({ outcome: 'Partial' }),
    });
    // Assess
    expect(progress).toEqual({
      kind: 'Pending',
      routes: elsewhere,
      note: 'routekeeper answered Partial',
    });
  });
});
