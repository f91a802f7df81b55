/**
 * Tracing: every function wraps each AWS client it builds with the tracer (one X-Ray subsegment per call),
 * and its handler with the invocation's segment. The tracer itself is off outside Lambda.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildDeps as buildDriftDeps } from '../../../functions/drift/deps';
import { buildDeps as buildHeartbeatDeps } from '../../../functions/heartbeat/deps';
import { buildDeps as buildRouteSwitchDeps } from '../../../functions/route-switch/deps';
import { tracer } from '../../../shared/telemetry';

const capturedClients = (build: () => unknown): string[] => {
  const captured = vi.spyOn(tracer, 'captureAWSv3Client');
  build();
  return captured.mock.calls.map(([client]) => (client as object).constructor.name).sort();
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('tracing', () => {
  it('is off outside Lambda, so tests and local runs send no segments', () => {
    // Assess
    expect(tracer.isTracingEnabled()).toBe(false);
  });

  it('captures every AWS client of routeSwitch', () => {
    // Act
    const clients = capturedClients(() => buildRouteSwitchDeps());
    // Assess
    expect(clients).toEqual(['DynamoDBClient', 'EC2Client', 'EC2Client', 'EventBridgeClient']);
  });

  it('captures every AWS client of heartbeat', () => {
    // Act
    const clients = capturedClients(() => buildHeartbeatDeps());
    // Assess
    expect(clients).toEqual([
      'DynamoDBClient',
      'EventBridgeClient',
      'SSMClient',
      'SecretsManagerClient',
    ]);
  });

  it('captures every AWS client of drift', () => {
    // Act
    const clients = capturedClients(() => buildDriftDeps());
    // Assess
    expect(clients).toEqual([
      'DirectConnectClient',
      'DynamoDBClient',
      'EC2Client',
      'EventBridgeClient',
    ]);
  });
});
