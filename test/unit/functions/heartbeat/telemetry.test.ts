import { describe, expect, it } from 'vitest';
import { ingestTelemetry } from '../../../../functions/heartbeat/telemetry';
import { check, checkDeps, failoverEvent, heartbeatEvent, T0 } from '../../../support/lkrc';

/** The metric points an outcome emits, by name and dimensions. */
const points = (telemetry: ReturnType<typeof ingestTelemetry>) =>
  telemetry.metrics.map((m) => ({ name: m.name, dimensions: m.dimensions }));

describe('heartbeat telemetry', () => {
  it('counts a failover claim signed longer ago than the tolerance under its own dimension', async () => {
    // Prepare: the claim was delayed 301 s, one more than the 300 s the window admits.
    const late = failoverEvent({ nowMs: T0 });
    const outcome = await check(late, checkDeps(T0 + 301_000));
    // Act
    const telemetry = ingestTelemetry(outcome as Parameters<typeof ingestTelemetry>[0]);
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'TooOld' });
    expect(points(telemetry)).toContainEqual({
      name: 'NodeEventRejected',
      dimensions: { notification: 'FailoverClaim' },
    });
    expect(telemetry.lines[0]?.level).toBe('error');
  });

  it('counts a rejected heartbeat by reason only, not as a failover claim', async () => {
    // Prepare
    const late = heartbeatEvent({ nowMs: T0 });
    const outcome = await check(late, checkDeps(T0 + 301_000));
    // Act
    const telemetry = ingestTelemetry(outcome as Parameters<typeof ingestTelemetry>[0]);
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'TooOld' });
    expect(points(telemetry)).toEqual([
      { name: 'NodeEventRejected', dimensions: { reason: 'TooOld' } },
      { name: 'NodeEventRejected', dimensions: undefined },
    ]);
    expect(telemetry.lines[0]?.level).toBe('warn');
  });
});
