import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeEnvelope } from '@aws-lambda-powertools/parser/envelopes/eventbridge';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { decodeCommand } from '../../../../shared/domain/intake/check';
import { NodeNotificationEvent } from '../../../../shared/events/lifekeeper-signed';
import { RouteDriftDetected } from '../../../../shared/events/route-drift-detected';
import { RouteSwitchRequested } from '../../../../shared/events/route-switch-requested';
import { RouteSwitchResult } from '../../../../shared/events/route-switch-result';
import { check, checkDeps } from '../../../support/lkrc';

const FIXTURES = join(__dirname, '../../../fixtures/events');
const load = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/** Each versioned fixture and the schema of the `detail` it carries (the envelope is EventBridge's). */
const DETAIL_SCHEMAS: Record<string, z.ZodType> = {
  'route-switch-requested.v1.json': RouteSwitchRequested,
  'route-switch-result.v1.json': RouteSwitchResult,
  'route-switch-failed.v1.json': RouteSwitchResult,
  'route-drift-detected.v1.json': RouteDriftDetected,
};

describe('event contract fixtures', () => {
  it('has one fixture per contract and nothing else', () => {
    // Act
    const files = readdirSync(FIXTURES).sort();
    // Assess
    expect(files).toEqual([
      'lifekeeper-failover.v1.json',
      'lifekeeper-heartbeat.v1.json',
      'route-drift-detected.v1.json',
      'route-switch-failed.v1.json',
      'route-switch-requested.v1.json',
      'route-switch-result.v1.json',
      'scheduled-drift.v1.json',
    ]);
  });

  it.each(Object.entries(DETAIL_SCHEMAS))('%s is valid for its schema', (name, schema) => {
    // Prepare
    const event = load(name);
    // Act
    const parsed = EventBridgeEnvelope.safeParse(event, schema);
    // Assess
    expect(parsed.success).toBe(true);
  });

  it.each([
    ['lifekeeper-failover.v1.json', 'failover'],
    ['lifekeeper-heartbeat.v1.json', 'heartbeat'],
  ])('%s is a signed node event whose body is a valid %s command', (name, type) => {
    // Prepare
    const event = load(name);
    // Act
    const parsed = NodeNotificationEvent.parse(event);
    const decoded = decodeCommand(parsed['detail-type'], parsed.detail.body);
    // Assess
    expect(decoded).toMatchObject({ ok: true, command: { type } });
  });

  it.each([
    ['lifekeeper-failover.v1.json', 1_764_064_800_500],
    ['lifekeeper-heartbeat.v1.json', 1_764_064_860_500],
  ])('%s verifies with the test-vector keys at its signing time', async (name, nowMs) => {
    // Prepare
    const event = load(name);
    // Act
    const verdict = await check(event, checkDeps(nowMs));
    // Assess
    expect(verdict.kind).toBe('Verified');
  });

  it('rejects a fixture whose detail lost a required field (the schemas are not vacuous)', () => {
    // Prepare
    const event = load('route-switch-requested.v1.json');
    delete (event.detail as Record<string, unknown>).orderToken;
    // Act
    const parsed = EventBridgeEnvelope.safeParse(event, RouteSwitchRequested);
    // Assess
    expect(parsed.success).toBe(false);
  });

  it('scheduled-drift.v1.json is the scheduled EventBridge event the drift function receives', () => {
    // Prepare
    const event = load('scheduled-drift.v1.json');
    // Act
    const parsed = EventBridgeSchema.safeParse(event);
    // Assess
    expect(parsed.success).toBe(true);
    expect(event).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
  });
});
