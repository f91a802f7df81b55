import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../../functions/heartbeat/handler';
import { ingestFaultTelemetry, ingestTelemetry } from '../../../../functions/heartbeat/telemetry';
import failoverFixture from '../../../fixtures/events/lifekeeper-failover.v1.json';
import heartbeatFixture from '../../../fixtures/events/lifekeeper-heartbeat.v1.json';
import { lambdaContext } from '../../../support/events';
import { checkDeps, unitHandler } from '../../../support/lkrc';

/** The failover fixture was signed at 1764064800 s; the heartbeat fixture one minute later. */
const CLAIM_TIME = 1_764_064_800_500;
const HEARTBEAT_TIME = 1_764_064_860_500;

describe('heartbeat handler (the intake of every node event)', () => {
  it('turns a valid signed failover claim into one applied notification', async () => {
    // Prepare
    const { handle, applied } = unitHandler(CLAIM_TIME);
    // Act
    const outcome = await handle(structuredClone(failoverFixture));
    // Assess
    expect(outcome).toMatchObject({ kind: 'FailoverRequested', node: 'node1', vip: '10.1.0.10' });
    expect(applied).toHaveLength(1);
    expect(applied[0]?.command).toMatchObject({ type: 'failover', claimedAt: 1_764_064_800_123 });
  });

  it('records a valid heartbeat', async () => {
    // Prepare
    const { handle, applied } = unitHandler(HEARTBEAT_TIME);
    // Act
    const outcome = await handle(structuredClone(heartbeatFixture));
    // Assess
    expect(outcome.kind).toBe('HeartbeatRecorded');
    expect(applied.map((n) => n.command.type)).toEqual(['heartbeat']);
  });

  it('rejects an event that is not a node notification with SchemaInvalid and applies nothing', async () => {
    // Prepare
    const { handle, applied } = unitHandler(CLAIM_TIME);
    const event = { ...structuredClone(failoverFixture), source: 'someone.else' };
    // Act
    const outcome = await handle(event);
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'SchemaInvalid' });
    expect(applied).toEqual([]);
  });

  it('rethrows a fault of the effects so that Lambda retries the event', async () => {
    // Prepare
    const handler = makeHandler({
      ...checkDeps(CLAIM_TIME),
      applyOnce: async () => {
        throw new Error('state table unavailable');
      },
      registerContext: () => undefined,
    });
    // Act
    const run = handler(structuredClone(failoverFixture), lambdaContext());
    // Assess
    await expect(run).rejects.toThrow('state table unavailable');
  });
});

describe('heartbeat telemetry', () => {
  it('counts a rejection by reason and once without dimensions, and logs no key material', () => {
    // Prepare
    const signature = failoverFixture.detail.sig[0]?.value as string;
    const outcome = {
      kind: 'Rejected',
      reason: 'BadSignature',
      detail: 'no signature verifies with a currently valid key (2 checked)',
      source: failoverFixture.source,
      msgId: failoverFixture.detail.msgId,
    } as const;
    // Act
    const telemetry = ingestTelemetry(outcome);
    // Assess
    expect(telemetry.metrics).toEqual([
      {
        name: 'NodeEventRejected',
        unit: 'Count',
        value: 1,
        dimensions: { reason: 'BadSignature' },
      },
      { name: 'NodeEventRejected', unit: 'Count', value: 1 },
    ]);
    expect(JSON.stringify(telemetry.lines)).not.toContain(signature);
    expect(JSON.stringify(telemetry.lines)).not.toContain(failoverFixture.detail.body);
  });

  it('counts a fault as IngestFault with an error line', () => {
    // Act
    const telemetry = ingestFaultTelemetry(new Error('boom'));
    // Assess
    expect(telemetry.metrics).toEqual([{ name: 'IngestFault', unit: 'Count', value: 1 }]);
    expect(telemetry.lines[0]?.level).toBe('error');
  });
});
