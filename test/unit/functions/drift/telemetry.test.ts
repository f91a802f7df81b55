import { describe, expect, it } from 'vitest';
import { driftTelemetry } from '../../../../functions/drift/telemetry';
import type { DriftRun } from '../../../../shared/domain/checks/drift';
import { fail, pass, unknown } from '../../../../shared/domain/checks/types';
import { ID } from '../../../support/account';

/** The metric points as the recorder of the old test saw them: name, value and dimensions. */
const emitted = (r: DriftRun) =>
  driftTelemetry(r).metrics.map(({ name, value, dimensions }) => ({
    name,
    value,
    dimensions: { ...dimensions },
  }));

const run = (results: DriftRun['reports'][number]['results']): DriftRun => ({
  checkedAt: '2026-11-25T10:00:00.000Z',
  reports: [{ cluster: 'lk-prod', results, measures: { ownerHeartbeatAgeSeconds: 12 } }],
  repairs: [],
  repairsSkipped: [],
  publishFailures: [],
  historyFailures: [],
});

describe('drift metrics', () => {
  it('emits the alarm inputs every run, zero included', () => {
    // Prepare
    const passing = run([pass('vpc.exists', 'lk-prod', 'ok')]);
    // Act
    const points = emitted(passing);
    // Assess
    const plain = Object.fromEntries(
      points.filter((m) => Object.keys(m.dimensions).length === 0).map((m) => [m.name, m.value]),
    );
    expect(plain).toEqual({
      DriftCheckRan: 1,
      DriftFindings: 0,
      DriftCheckFailed: 0,
      RepairRequested: 0,
      DriftPublishFailed: 0,
      HeartbeatOverdue: 0,
      ClockSkewExceeded: 0,
    });
  });

  it('counts findings per type with cluster and VIP dimensions, and overdue heartbeats', () => {
    // Prepare
    const results = [
      fail('vpc.vip-route', 'lk-prod', 'VipRouteWrongTarget', 'e', { vip: ID.vip }),
      fail('vpc.vip-route', 'lk-prod', 'VipRouteWrongTarget', 'e', { vip: ID.vip }),
      fail('nodes.heartbeat', 'lk-prod', 'HeartbeatStale', 'e', { subject: 'node1' }),
      unknown('tgw.vip-route', 'lk-prod', 'ApiError', 'e', { vip: ID.vip }),
    ];
    // Act
    const points = emitted(run(results));
    // Assess
    expect(points).toEqual(
      expect.arrayContaining([
        { name: 'DriftFindings', value: 3, dimensions: {} },
        { name: 'DriftCheckFailed', value: 1, dimensions: {} },
        { name: 'HeartbeatOverdue', value: 1, dimensions: {} },
        {
          name: 'VipRouteWrongTarget',
          value: 2,
          dimensions: { Cluster: 'lk-prod', Vip: ID.vip },
        },
        { name: 'HeartbeatStale', value: 1, dimensions: { Cluster: 'lk-prod', Vip: 'all' } },
        { name: 'ApiError', value: 1, dimensions: { Cluster: 'lk-prod', Vip: ID.vip } },
        { name: 'OwnerHeartbeatAgeSeconds', value: 12, dimensions: { Cluster: 'lk-prod' } },
      ]),
    );
  });
});

describe('drift log lines while paused', () => {
  it('say "paused" in the finding line, and still count the finding for the alarm', () => {
    // Prepare
    const finding = fail('vpc.vip-route', 'lk-prod', 'VipRouteWrongTarget', 'paused: rtb → eni', {
      vip: ID.vip,
    });
    const paused = run([{ ...finding, paused: true }]);
    // Act
    const telemetry = driftTelemetry(paused);
    // Assess
    expect(telemetry.lines[0]?.message).toBe(
      'drift fail (paused): vpc.vip-route VipRouteWrongTarget',
    );
    expect(telemetry.metrics.find((m) => m.name === 'DriftFindings')?.value).toBe(1);
  });
});
