import type { IngestOutcome } from '../../shared/domain/intake/apply';
import type { MetricPoint, Telemetry } from '../../shared/telemetry';

/** The `notification` dimension value of a rejected failover claim. */
export const FAILOVER_CLAIM = 'FailoverClaim';

/**
 * One log line and the metrics of an outcome. Rejections are counted by reason; heartbeats give clock skew
 * and heartbeat age per node. Only decisions and identifiers are logged: never the body, a signature or key.
 */
export const ingestTelemetry = (outcome: IngestOutcome): Telemetry => {
  if (outcome.kind === 'Rejected') {
    // A refused failover claim (too old, bad signature, ...) is a failover that did not happen: it has its
    // own dimension, alarmed at one (serverless.yml FailoverClaimRejectedAlarm).
    const claim = outcome.notification === 'failover';
    return {
      lines: [
        {
          level: claim ? 'error' : 'warn',
          message: `node notification rejected: ${outcome.reason}`,
          fields: { outcome },
        },
      ],
      // By reason for the dashboard, and without dimensions for the rejected-events alarm.
      metrics: [
        {
          name: 'NodeEventRejected',
          unit: 'Count',
          value: 1,
          dimensions: { reason: outcome.reason },
        },
        { name: 'NodeEventRejected', unit: 'Count', value: 1 },
        ...(claim
          ? [
              {
                name: 'NodeEventRejected',
                unit: 'Count',
                value: 1,
                dimensions: { notification: FAILOVER_CLAIM },
              } as const,
            ]
          : []),
      ],
    };
  }
  if (outcome.kind === 'FailoverRequested') {
    return {
      lines: [
        {
          level: 'info',
          message: 'failover claim accepted; route switch requested',
          fields: { outcome },
        },
      ],
      metrics: [{ name: 'FailoverClaimAccepted', unit: 'Count', value: 1 }],
    };
  }
  const perNode = { cluster: outcome.cluster, node: outcome.node };
  const points: MetricPoint[] = [
    {
      name: 'NodeClockSkew',
      unit: 'Milliseconds',
      value: outcome.clockSkewMs,
      dimensions: perNode,
    },
    ...(outcome.heartbeatAgeMs === undefined
      ? []
      : [
          {
            name: 'HeartbeatAge',
            unit: 'Milliseconds',
            value: outcome.heartbeatAgeMs,
            dimensions: perNode,
          } as const,
        ]),
    { name: 'HeartbeatAccepted', unit: 'Count', value: 1 },
    ...(outcome.mismatches.length > 0
      ? [{ name: 'OwnershipMismatch', unit: 'Count', value: outcome.mismatches.length } as const]
      : []),
    ...(outcome.bootstrapped.length > 0
      ? [{ name: 'Bootstrap', unit: 'Count', value: outcome.bootstrapped.length } as const]
      : []),
  ];
  return {
    lines: [
      {
        level: outcome.mismatches.length > 0 ? 'warn' : 'info',
        message: 'heartbeat recorded',
        fields: { outcome },
      },
    ],
    metrics: points,
  };
};

/** A notification that could not be processed: counted, logged, retried by Lambda, then dead-lettered. */
export const ingestFaultTelemetry = (error: unknown): Telemetry => ({
  lines: [
    {
      level: 'error',
      message: 'node notification could not be processed; it will be retried',
      fields: { error },
    },
  ],
  metrics: [{ name: 'IngestFault', unit: 'Count', value: 1 }],
});

/**
 * The key store could not be read: configured and last-known-good store keys were used instead (a message
 * none of them verifies is retried). Counted for the key-store alarm; only the error's name and message
 * are logged.
 */
export const keyStoreOutageTelemetry = (cluster: string, error: unknown): Telemetry => ({
  lines: [
    {
      level: 'warn',
      message: 'key store unavailable; using configured and last-known-good keys',
      fields: {
        cluster,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      },
    },
  ],
  metrics: [{ name: 'KeyStoreUnavailable', unit: 'Count', value: 1 }],
});
