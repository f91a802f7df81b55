import { describe, expect, it } from 'vitest';
import { planRepairs } from '../../../../../shared/domain/checks/repair';
import { failed, ok } from '../../../../../shared/domain/checks/snapshot';
import { fail } from '../../../../../shared/domain/checks/types';
import { RouteSwitchRequested } from '../../../../../shared/events/route-switch-requested';
import { accountConfig, ID, NOW, ownerRecord } from '../../../../support/account';

const repairMode = accountConfig((c) => {
  c.driftMode = 'repair';
});
const cluster = repairMode.clusters[0] as (typeof repairMode.clusters)[number];
const wrongTarget = fail('vpc.vip-route', 'lk-demo', 'VipRouteWrongTarget', 'evidence', {
  vip: ID.vip,
  subject: ID.table2,
});

const pause = {
  cluster: 'lk-demo',
  by: 'arn:aws:iam::123456789012:user/ops',
  at: NOW.toISOString(),
  reason: 'patching',
};

describe('repair planning', () => {
  it('skips a VIP of a paused cluster, saying who paused it and why', () => {
    // Act
    const plan = planRepairs(cluster, [wrongTarget], [ownerRecord('node1', 10)], ok([pause]), NOW);
    // Assess
    expect(plan.requests).toEqual([]);
    expect(plan.skipped).toEqual([
      { vip: ID.vip, reason: `Paused: paused by ${pause.by} at ${pause.at}: patching` },
    ]);
  });

  it('skips a paused VIP while another cluster VIP pause does not apply to it', () => {
    // Act
    const own = planRepairs(
      cluster,
      [wrongTarget],
      [ownerRecord('node1', 10)],
      ok([{ ...pause, vip: ID.vip }]),
      NOW,
    );
    const other = planRepairs(
      cluster,
      [wrongTarget],
      [ownerRecord('node1', 10)],
      ok([{ ...pause, vip: '10.1.0.99' }]),
      NOW,
    );
    // Assess
    expect(own.requests).toEqual([]);
    expect(other.requests).toHaveLength(1);
  });

  it('does not repair when the pause records cannot be read', () => {
    // Act
    const plan = planRepairs(
      cluster,
      [wrongTarget],
      [ownerRecord('node1', 10)],
      failed('AccessDenied'),
      NOW,
    );
    // Assess
    expect(plan.requests).toEqual([]);
    expect(plan.skipped[0]?.reason).toMatch(/^PauseUnknown: .*AccessDenied/);
  });

  it('re-asserts the recorded owner with its own order token and reason repair', () => {
    // Act
    const plan = planRepairs(cluster, [wrongTarget], [ownerRecord('node1', 10)], ok([]), NOW);
    // Assess
    expect(plan.skipped).toEqual([]);
    expect(plan.requests).toHaveLength(1);
    const request = RouteSwitchRequested.parse(plan.requests[0]);
    expect(request).toMatchObject({
      cluster: 'lk-demo',
      vip: ID.vip,
      node: 'node1',
      orderToken: ownerRecord().orderToken,
      reason: 'repair',
    });
    expect(request.idempotencyKey).toContain(String(NOW.getTime()));
  });

  it('never repairs within the grace window after the record changed', () => {
    // Act
    const plan = planRepairs(cluster, [wrongTarget], [ownerRecord('node1', 1)], ok([]), NOW);
    // Assess
    expect(plan.requests).toEqual([]);
    expect(plan.skipped[0]?.reason).toMatch(/^GraceWindow/);
  });

  it('never repairs when the owner is unknown', () => {
    // Act
    const plan = planRepairs(cluster, [wrongTarget], [], ok([]), NOW);
    // Assess
    expect(plan.requests).toEqual([]);
    expect(plan.skipped[0]?.reason).toMatch(/^OwnerUnknown/);
  });

  it('never repairs a conflict in another VPC', () => {
    // Prepare
    const conflict = fail('vpc.conflict', 'lk-demo', 'OtherVpcVipRoute', 'evidence', {
      vip: ID.vip,
      subject: ID.otherTable,
    });
    // Act
    const plan = planRepairs(cluster, [conflict], [ownerRecord()], ok([]), NOW);
    // Assess
    expect(plan).toEqual({ requests: [], skipped: [] });
  });

  it('repairs a wrong TGW attachment (routeSwitch rewrites it to the configured one)', () => {
    // Prepare
    const tgw = fail('tgw.vip-route', 'lk-demo', 'TgwRouteWrongAttachment', 'evidence', {
      vip: ID.vip,
    });
    // Act
    const plan = planRepairs(cluster, [tgw], [ownerRecord()], ok([]), NOW);
    // Assess
    expect(plan.requests.map((r) => r.vip)).toEqual([ID.vip]);
  });

  it('does nothing in report mode', () => {
    // Act
    const plan = planRepairs(
      accountConfig().clusters[0] as typeof cluster,
      [wrongTarget],
      [ownerRecord()],
      ok([]),
      NOW,
    );
    // Assess
    expect(plan).toEqual({ requests: [], skipped: [] });
  });

  it('repairs a missing route only when routeSwitch may create it', () => {
    // Prepare
    const missing = fail('vpc.vip-route', 'lk-demo', 'VipRouteMissing', 'evidence', {
      vip: ID.vip,
    });
    const creating = accountConfig((c) => {
      c.driftMode = 'repair';
      (c.vips as Record<string, unknown>[])[0] = {
        ...(c.vips as Record<string, unknown>[])[0],
        createMissingRoute: true,
      };
    }).clusters[0] as typeof cluster;
    // Act
    const without = planRepairs(cluster, [missing], [ownerRecord()], ok([]), NOW);
    const withCreate = planRepairs(creating, [missing], [ownerRecord()], ok([]), NOW);
    // Assess
    expect(without.requests).toEqual([]);
    expect(withCreate.requests).toHaveLength(1);
  });
});
