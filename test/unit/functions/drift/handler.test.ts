import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../../functions/drift/handler';
import type { DriftRun } from '../../../../shared/domain/checks/drift';
import { fail, pass } from '../../../../shared/domain/checks/types';

const run = (overrides: Partial<DriftRun> = {}): DriftRun => ({
  checkedAt: '2026-11-25T10:00:00.000Z',
  reports: [
    {
      cluster: 'lk-prod',
      results: [
        pass('vpc.exists', 'lk-prod', 'ok'),
        fail('vpc.vip-route', 'lk-prod', 'VipRouteWrongTarget', 'e', { vip: '10.1.0.10' }),
      ],
      measures: {},
    },
  ],
  repairs: [],
  repairsSkipped: [],
  publishFailures: [],
  historyFailures: [],
  ...overrides,
});

describe('drift handler', () => {
  it('runs the checks once and returns their summary with the repairs requested', async () => {
    // Prepare
    let runs = 0;
    const handle = makeHandler({
      checkAndRepair: async () => {
        runs += 1;
        return run({
          repairs: [{ cluster: 'lk-prod', vip: '10.1.0.10', node: 'node2' }],
        });
      },
    });
    // Act
    const summary = await handle();
    // Assess
    expect(runs).toBe(1);
    expect(summary).toMatchObject({ pass: 1, fail: 1, unknown: 0, repairs: 1 });
  });

  it('fails the invocation when a drift event was not published, so the Errors alarm sees it', async () => {
    // Prepare
    const handle = makeHandler({
      checkAndRepair: async () => run({ publishFailures: ['Route Drift Detected: throttled'] }),
    });
    // Act
    const result = handle();
    // Assess
    await expect(result).rejects.toThrow(/drift events not published: Route Drift Detected/);
  });
});
