import {
  isSuccess,
  rejectionReason,
  type SwitchOutcome,
} from '../../shared/domain/switch/outcomes';
import type { Telemetry } from '../../shared/telemetry';

/** One log line and one metric per outcome kind, plus duration, tables changed and rejections by reason. */
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
