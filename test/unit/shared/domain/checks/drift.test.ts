import { DirectConnectClient } from '@aws-sdk/client-direct-connect';
import { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../../../functions/drift/handler';
import { readSnapshot } from '../../../../../shared/aws/snapshot';
import type { RoutekeeperConfig } from '../../../../../shared/config/schema';
import { type DriftDeps, runDrift } from '../../../../../shared/domain/checks/drift';
import type { TargetHistory } from '../../../../../shared/domain/checks/ports';
import type { VipRecord } from '../../../../../shared/domain/switch/ports';
import {
  DETAIL_TYPE as DRIFT_DETECTED,
  RouteDriftDetected,
} from '../../../../../shared/events/route-drift-detected';
import {
  RouteSwitchRequested,
  DETAIL_TYPE as SWITCH_REQUESTED,
} from '../../../../../shared/events/route-switch-requested';
import {
  type AccountModel,
  accountConfig,
  freshLiveness,
  healthyAccount,
  ID,
  installAccount,
  NOW,
  ownerRecord,
} from '../../../../support/account';

interface World {
  deps: DriftDeps;
  published: { detailType: string; detail: unknown }[];
  history: Map<string, TargetHistory>;
}

const world = (
  model: AccountModel,
  config: RoutekeeperConfig,
  records: VipRecord[] = [ownerRecord()],
  clock: { now: Date } = { now: NOW },
): World => {
  installAccount(model);
  const published: World['published'] = [];
  const history = new Map<string, TargetHistory>();
  const clients = {
    ec2: new EC2Client({ region: 'us-east-1', maxAttempts: 1 }),
    directConnect: new DirectConnectClient({ region: 'us-east-1', maxAttempts: 1 }),
  };
  return {
    published,
    history,
    deps: {
      config,
      readAccount: (clusters) => readSnapshot(clients, clusters),
      records: { readMany: async () => records },
      liveness: { read: async () => freshLiveness() },
      maintenance: { readMany: async () => [] },
      history: {
        readMany: async () => [...history.values()],
        write: async (next) => {
          history.set(`${next.cluster}#${next.vip}`, next);
          return true;
        },
      },
      bus: {
        publish: async (detailType, detail) => {
          published.push({ detailType, detail });
        },
      },
      now: () => clock.now,
    },
  };
};

const standbyInTable2 = () => {
  const model = healthyAccount();
  const route = model.routeTables
    .find((t) => t.RouteTableId === ID.table2)
    ?.Routes?.find((r) => r.DestinationCidrBlock === `${ID.vip}/32`);
  if (route) route.NetworkInterfaceId = ID.node2.eni;
  return model;
};

describe('drift run', () => {
  it('publishes nothing when nothing is wrong', async () => {
    // Prepare
    const w = world(healthyAccount(), accountConfig());
    // Act
    const run = await runDrift(w.deps);
    // Assess
    expect(w.published).toEqual([]);
    expect(run.reports[0]?.results.every((r) => r.outcome === 'pass')).toBe(true);
  });

  it('in report mode publishes Route Drift Detected with the finding and requests no switch', async () => {
    // Prepare
    const w = world(standbyInTable2(), accountConfig());
    // Act
    await runDrift(w.deps);
    // Assess
    expect(w.published.map((p) => p.detailType)).toEqual([DRIFT_DETECTED]);
    const detail = RouteDriftDetected.parse(w.published[0]?.detail);
    expect(detail).toMatchObject({ cluster: 'lk-demo', mode: 'report', repairs: [], truncated: 0 });
    expect(detail.findings.map((f) => `${f.check} ${f.code} ${f.subject}`)).toEqual([
      `vpc.vip-route VipRouteWrongTarget ${ID.table2}`,
    ]);
  });

  it('in repair mode requests a switch back to the recorded owner, reason repair', async () => {
    // Prepare
    const w = world(
      standbyInTable2(),
      accountConfig((c) => {
        c.driftMode = 'repair';
      }),
    );
    // Act
    const run = await runDrift(w.deps);
    // Assess
    expect(w.published.map((p) => p.detailType)).toEqual([SWITCH_REQUESTED, DRIFT_DETECTED]);
    const request = RouteSwitchRequested.parse(w.published[0]?.detail);
    expect(request).toMatchObject({ node: 'node1', reason: 'repair', vip: ID.vip });
    expect(RouteDriftDetected.parse(w.published[1]?.detail).repairs).toEqual([
      { vip: ID.vip, node: 'node1', idempotencyKey: request.idempotencyKey },
    ]);
    expect(run.repairs).toEqual([{ cluster: 'lk-demo', vip: ID.vip, node: 'node1' }]);
  });

  it('records target changes and reports flapping once they exceed the limit', async () => {
    // Prepare: the VIP bounces between the nodes' ENIs every minute (two writers fighting).
    const clock = { now: NOW };
    const healthy = healthyAccount();
    const bounced = standbyInTable2();
    const w = world(healthy, accountConfig(), [ownerRecord()], clock);
    const outcomes: string[] = [];
    // Act
    for (let minute = 0; minute < 6; minute++) {
      clock.now = new Date(NOW.getTime() + minute * 60_000);
      installAccount(minute % 2 === 0 ? healthy : bounced);
      const run = await runDrift(w.deps);
      const flapping = run.reports[0]?.results.find((r) => r.check === 'vpc.flapping');
      outcomes.push(flapping?.outcome ?? 'none');
    }
    // Assess
    expect(outcomes).toEqual(['pass', 'pass', 'pass', 'pass', 'fail', 'fail']);
    expect(w.history.get(`lk-demo#${ID.vip}`)?.changes).toHaveLength(5);
  });

  it('collects a refused publish instead of throwing, and the handler then fails the invocation', async () => {
    // Prepare
    const w = world(standbyInTable2(), accountConfig());
    const deps = {
      ...w.deps,
      bus: {
        publish: async () => {
          throw new Error('PutEvents rejected');
        },
      },
    };
    const run = await runDrift(deps);
    // Act
    const handle = makeHandler({ checkAndRepair: async () => run });
    // Assess
    expect(run.publishFailures).toHaveLength(1);
    await expect(handle()).rejects.toThrow(/drift events not published/);
  });

  it('returns a summary from the handler when everything was published', async () => {
    // Prepare
    const w = world(standbyInTable2(), accountConfig());
    const handle = makeHandler({ checkAndRepair: () => runDrift(w.deps) });
    // Act
    const summary = await handle();
    // Assess
    expect(summary).toMatchObject({ fail: 1, unknown: 0, repairs: 0 });
  });
});
