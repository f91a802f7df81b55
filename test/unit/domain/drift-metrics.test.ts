import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { recordDriftMetrics } from '../../../functions/drift/metrics';
import { fail, pass, unknown } from '../../../shared/domain/checks/types';
import type { DriftRun } from '../../../shared/domain/drift';
import { ID } from '../../support/account';

/** A stand-in for Powertools Metrics that remembers what was emitted, with which dimensions. */
const recorder = () => {
  const emitted: { name: string; value: number; dimensions: Record<string, string> }[] = [];
  const make = (dimensions: Record<string, string>): Metrics =>
    ({
      addMetric: (name: string, _unit: string, value: number) => {
        emitted.push({ name, value, dimensions: { ...dimensions } });
      },
      addDimension: (key: string, value: string) => {
        dimensions[key] = value;
      },
      addDimensions: (more: Record<string, string>) => Object.assign(dimensions, more),
      singleMetric: () => make({}),
    }) as unknown as Metrics;
  return { metrics: make({}), emitted };
};

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
    const { metrics, emitted } = recorder();
    // Act
    recordDriftMetrics(metrics, run([pass('vpc.exists', 'lk-prod', 'ok')]));
    // Assess
    const plain = Object.fromEntries(
      emitted.filter((m) => Object.keys(m.dimensions).length === 0).map((m) => [m.name, m.value]),
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
    const { metrics, emitted } = recorder();
    const results = [
      fail('vpc.vip-route', 'lk-prod', 'VipRouteWrongTarget', 'e', { vip: ID.vip }),
      fail('vpc.vip-route', 'lk-prod', 'VipRouteWrongTarget', 'e', { vip: ID.vip }),
      fail('nodes.heartbeat', 'lk-prod', 'HeartbeatStale', 'e', { subject: 'node1' }),
      unknown('tgw.vip-route', 'lk-prod', 'ApiError', 'e', { vip: ID.vip }),
    ];
    // Act
    recordDriftMetrics(metrics, run(results));
    // Assess
    expect(emitted).toEqual(
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
