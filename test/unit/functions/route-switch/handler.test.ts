import { describe, expect, it, vi } from 'vitest';
import type { RouteSwitchDeps } from '../../../../functions/route-switch/deps';
import { makeHandler } from '../../../../functions/route-switch/handler';
import { switchTelemetry } from '../../../../functions/route-switch/telemetry';
import { IdempotencyKeyReusedError } from '../../../../shared/core/errors';
import {
  outcomeOfFault,
  RetryableSwitchError,
  refused,
  type SwitchOutcome,
} from '../../../../shared/domain/switch/outcomes';
import {
  DETAIL_TYPE,
  RouteSwitchRequested,
  SOURCE,
} from '../../../../shared/events/route-switch-requested';
import { metrics } from '../../../../shared/telemetry';
import fixture from '../../../fixtures/events/route-switch-requested.v1.json';
import { lambdaContext, switchRequestEvent } from '../../../support/events';
import { CLUSTER, NODE2, RTB1, RTB2, testConfig, VIP } from '../../../support/world';

/** The metric points written with their own dimensions (Powertools single metrics) while `run` runs. */
const perDimensionPoints = async (run: () => Promise<unknown>) => {
  const points: { name: string; dimensions: Record<string, string> }[] = [];
  const single = vi.spyOn(metrics, 'singleMetric').mockImplementation(() => {
    let dimensions: Record<string, string> = {};
    const recorder = {
      addDimensions: (given: Record<string, string>) => {
        dimensions = given;
        return recorder;
      },
      addMetric: (name: string) => {
        points.push({ name, dimensions });
      },
    };
    return recorder as unknown as ReturnType<typeof metrics.singleMetric>;
  });
  try {
    await run();
  } finally {
    single.mockRestore();
  }
  return points;
};

const SWITCHED: SwitchOutcome = {
  kind: 'Switched',
  owner: 'node2',
  changed: [RTB1, RTB2],
  failed: [],
  pending: [],
};

/** The handler over fake deps; `switchOnce` stands in for the idempotent switchRoute + report. */
const setUp = (run: RouteSwitchDeps['switchOnce'] = vi.fn(async () => SWITCHED)) => {
  const deps = { config: testConfig(), switchOnce: vi.fn(run), registerContext: vi.fn() };
  return { deps, handle: makeHandler(deps) };
};

/** The v1 fixture, for the configured cluster, with the given detail fields. */
const request = (detail: Record<string, unknown> = {}) =>
  switchRequestEvent({ cluster: CLUSTER, ...detail });

describe('routeSwitch handler', () => {
  it('runs the switch for a valid request, with the ENI taken from the configuration', async () => {
    // Prepare
    const { deps, handle } = setUp();
    const context = lambdaContext();
    // Act
    const outcome = await handle(request(), context);
    // Assess
    expect(outcome).toEqual(SWITCHED);
    expect(deps.switchOnce).toHaveBeenCalledExactlyOnceWith({
      cluster: CLUSTER,
      vip: VIP,
      node: 'node2',
      eni: NODE2.eni,
      orderToken: fixture.detail.orderToken,
      idempotencyKey: `failover#${CLUSTER}#${VIP}#node2#${fixture.detail.orderToken}`,
      reason: 'failover',
    });
    expect(deps.registerContext).toHaveBeenCalledWith(context);
  });

  it('resolves a VIP written as /32 to the configured VIP', async () => {
    // Prepare
    const { deps, handle } = setUp();
    // Act
    await handle(request({ vip: `${VIP}/32` }), lambdaContext());
    // Assess
    expect(deps.switchOnce).toHaveBeenCalledWith(expect.objectContaining({ vip: VIP }));
  });

  it.each<[string, Record<string, unknown>]>([
    ['a VIP with a leading zero', { vip: '010.1.0.10' }],
    ['a VIP that is a /31 block', { vip: '10.1.0.10/31' }],
    ['an IPv6 VIP', { vip: '2001:db8::10' }],
    ['a negative order token', { orderToken: -1 }],
    ['an order token sent as a string', { orderToken: String(fixture.detail.orderToken) }],
    ['an ENI named by the event', { eni: 'eni-0a1b2c3d4e5f60711' }],
    ['an unknown reason', { reason: 'manual' }],
    ['another contract version', { version: '2' }],
    ['an idempotency key with spaces', { idempotencyKey: 'failover now' }],
  ])('refuses %s as SchemaInvalid and never runs the switch', async (_what, detail) => {
    // Prepare
    const { deps, handle } = setUp();
    // Act
    const outcome = await handle(request(detail), lambdaContext());
    // Assess
    expect(outcome.kind).toBe('Refused');
    expect(outcome.detail).toMatch(/^SchemaInvalid: /);
    expect(outcome.changed).toEqual([]);
    expect(deps.switchOnce).not.toHaveBeenCalled();
  });

  it('refuses an event that is not an EventBridge event at all', async () => {
    // Prepare
    const { deps, handle } = setUp();
    // Act
    const outcome = await handle(structuredClone(fixture.detail), lambdaContext());
    // Assess
    expect(outcome.kind).toBe('Refused');
    expect(outcome.detail).toMatch(/^SchemaInvalid: /);
    expect(deps.switchOnce).not.toHaveBeenCalled();
  });

  it.each([
    [{ cluster: 'lk-other' }, 'UnknownCluster', 'cluster "lk-other" is not configured'],
    [{ vip: '10.1.0.99' }, 'UnknownVip', 'VIP 10.1.0.99 is not configured in cluster "lk-demo"'],
    [{ node: 'node3' }, 'UnknownNode', 'node "node3" is not configured in cluster "lk-demo"'],
  ] as const)('refuses %o without running the switch', async (detail, reason, text) => {
    // Prepare
    const { deps, handle } = setUp();
    // Act
    const outcome = await handle(request(detail), lambdaContext());
    // Assess
    expect(outcome).toEqual(refused(reason, text));
    expect(outcome).toMatchObject({ refusal: reason, detail: `${reason}: ${text}` });
    expect(deps.switchOnce).not.toHaveBeenCalled();
  });

  it('refuses an idempotency key reused for another node or ENI as IdempotencyKeyReused, not split brain', async () => {
    // Prepare
    const { handle } = setUp(async () => {
      throw new IdempotencyKeyReusedError();
    });
    // Act
    const outcome = await handle(request(), lambdaContext());
    // Assess
    expect(outcome).toEqual(
      refused('IdempotencyKeyReused', 'idempotency key reused for another node or ENI'),
    );
  });

  it('counts the outcome and its duration per configured cluster and VIP', async () => {
    // Prepare
    const { handle } = setUp();
    // Act
    const points = await perDimensionPoints(() => handle(request(), lambdaContext()));
    // Assess
    expect(points).toEqual([
      { name: 'Switched', dimensions: { Cluster: CLUSTER, Vip: VIP } },
      { name: 'SwitchDuration', dimensions: { Cluster: CLUSTER, Vip: VIP } },
    ]);
  });

  it('makes no per-VIP series of a VIP that is not configured', async () => {
    // Prepare
    const { handle } = setUp();
    // Act
    const points = await perDimensionPoints(() =>
      handle(request({ vip: '10.9.9.9' }), lambdaContext()),
    );
    // Assess: only the refusal by reason
    expect(points).toEqual([{ name: 'SwitchRejected', dimensions: { reason: 'UnknownVip' } }]);
  });

  it('counts a reused idempotency key under its own reason and never as SplitBrainSuspected', () => {
    // Prepare
    const outcome = outcomeOfFault(new IdempotencyKeyReusedError());
    // Act
    const telemetry = switchTelemetry(outcome as SwitchOutcome, 12);
    // Assess
    const names = telemetry.metrics.map((metric) => metric.name);
    expect(names).not.toContain('SplitBrainSuspected');
    expect(telemetry.metrics).toContainEqual(
      expect.objectContaining({
        name: 'SwitchRejected',
        dimensions: { reason: 'IdempotencyKeyReused' },
      }),
    );
  });

  it('counts the tables a stale claim put back on the recorded owner', () => {
    // Prepare
    const outcome: SwitchOutcome = {
      kind: 'RejectedStale',
      owner: 'node2',
      changed: [RTB1],
      failed: [],
      pending: [],
      detail: 'recorded claim: node2 at 2000; put 1 table(s) back on node2',
    };
    // Act
    const telemetry = switchTelemetry(outcome, 12);
    // Assess
    expect(telemetry.metrics).toContainEqual({ name: 'TablesRestored', unit: 'Count', value: 1 });
  });

  it('rethrows any other error so that the event is retried', async () => {
    // Prepare
    const failure = new RetryableSwitchError('throttled', [
      { routeTableId: RTB1, code: 'RequestLimitExceeded' },
    ]);
    const { handle } = setUp(async () => {
      throw failure;
    });
    // Act
    const result = handle(request(), lambdaContext());
    // Assess
    await expect(result).rejects.toBe(failure);
  });
});

describe('Route Switch Requested v1 contract', () => {
  it('parses the v1 fixture detail unchanged', () => {
    // Prepare
    const event = structuredClone(fixture);
    // Act
    const detail = RouteSwitchRequested.parse(event.detail);
    // Assess
    expect(detail).toEqual(fixture.detail);
    expect(event['detail-type']).toBe(DETAIL_TYPE);
    expect(event.source).toBe(SOURCE);
  });

  it('has no room for a target ENI: routeSwitch takes it from the configuration only', () => {
    // Prepare
    const detail = { ...structuredClone(fixture.detail), eni: 'eni-0a1b2c3d4e5f60711' };
    // Act
    const result = RouteSwitchRequested.safeParse(detail);
    // Assess
    expect(result.success).toBe(false);
  });
});
