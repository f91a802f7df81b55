import {
  isSuccess,
  rejectionReason,
  type SwitchOutcome,
} from '../../shared/domain/switch/outcomes';
import type { Telemetry } from '../../shared/telemetry';

/**
 * One log line and one metric per outcome kind, plus duration, tables changed (and restored by a stale
 * claim) and rejections by reason (the refusal's own reason, e.g. EniNotFound or IdempotencyKeyReused).
 */
export const switchTelemetry = (outcome: SwitchOutcome, durationMs: number): Telemetry => {
  const reason = rejectionReason(outcome);
  return {
    lines: [
      {
        level: isSuccess(outcome) ? 'info' : 'warn',
        message: `route switch ${outcome.kind}`,
        fields: { outcome },
      },
    ],
    metrics: [
      { name: outcome.kind, unit: 'Count', value: 1 },
      ...(reason === undefined
        ? []
        : [{ name: 'SwitchRejected', unit: 'Count', value: 1, dimensions: { reason } } as const]),
      { name: 'SwitchDuration', unit: 'Milliseconds', value: durationMs },
      { name: 'TablesChanged', unit: 'Count', value: outcome.changed.length },
      // A stale claim that changed tables put a superseded writer's leftovers back on the recorded owner.
      ...(outcome.kind === 'RejectedStale' && outcome.changed.length > 0
        ? [{ name: 'TablesRestored', unit: 'Count', value: outcome.changed.length } as const]
        : []),
    ],
  };
};

/** A thrown switch: counted, logged, and left to Lambda's retries and the dead-letter queue. */
export const faultTelemetry = (error: unknown): Telemetry => ({
  lines: [
    {
      level: 'error',
      message: 'route switch failed; the event will be retried or dead-lettered',
      fields: { error },
    },
  ],
  metrics: [{ name: 'SwitchFault', unit: 'Count', value: 1 }],
});
