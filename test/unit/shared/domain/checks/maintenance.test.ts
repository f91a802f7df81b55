import { describe, expect, it } from 'vitest';
import { failed, ok } from '../../../../../shared/domain/checks/snapshot';
import {
  accountConfig,
  checkAccount,
  healthyAccount,
  healthyState,
  ID,
  NOW,
} from '../../../../support/account';

const pause = {
  cluster: 'lk-demo',
  by: 'arn:aws:sts::123456789012:assumed-role/ops/alice',
  at: NOW.toISOString(),
  reason: 'CHG-42',
};

/** The guide account with table 2's VIP route on node2: one VipRouteWrongTarget finding. */
const drifted = () => {
  const model = healthyAccount();
  const table = model.routeTables.find((t) => t.RouteTableId === ID.table2);
  const route = table?.Routes?.find((r) => r.DestinationCidrBlock === `${ID.vip}/32`);
  if (route) route.NetworkInterfaceId = ID.node2.eni;
  return model;
};

describe('maintenance mode in the checks', () => {
  it('says who paused the cluster, when and why, as a pass', async () => {
    // Act
    const report = await checkAccount(healthyAccount(), accountConfig(), {
      ...healthyState(),
      pauses: ok([pause]),
    });
    // Assess
    const result = report.results.find((r) => r.check === 'routekeeper.maintenance');
    expect(result).toMatchObject({
      outcome: 'pass',
      evidence: `PAUSED whole cluster: paused by ${pause.by} at ${pause.at}: CHG-42; drift reports but does not repair`,
    });
  });

  it('marks the findings of a paused cluster "paused", and only those', async () => {
    // Act
    const paused = await checkAccount(drifted(), accountConfig(), {
      ...healthyState(),
      pauses: ok([pause]),
    });
    const running = await checkAccount(drifted(), accountConfig(), healthyState());
    // Assess
    const finding = (report: typeof paused) =>
      report.results.find((r) => r.code === 'VipRouteWrongTarget');
    expect(finding(paused)).toMatchObject({
      paused: true,
      evidence: expect.stringMatching(/^paused: /),
    });
    expect(finding(running)?.paused).toBeUndefined();
    expect(
      paused.results.filter((r) => r.outcome === 'pass').every((r) => r.paused === undefined),
    ).toBe(true);
  });

  it('is unknown when the pause records cannot be read', async () => {
    // Act
    const report = await checkAccount(healthyAccount(), accountConfig(), {
      ...healthyState(),
      pauses: failed('AccessDenied'),
    });
    // Assess
    expect(report.results.find((r) => r.check === 'routekeeper.maintenance')).toMatchObject({
      outcome: 'unknown',
      code: 'ApiError',
    });
  });
});
