import {
  isSuccess,
  rejectionReason,
  type SwitchOutcome,
} from '../../shared/domain/switch/outcomes';
import type { Telemetry } from '../../shared/telemetry';

/** The configured cluster and VIP a request resolved to. */
export interface SwitchTarget {
  readonly cluster: string;
  readonly vip: string;
}

/**
 * One log line and one metric per outcome kind, plus duration, tables changed (and restored by a stale
 * claim) and rejections by reason (the refusal's own reason, e.g. EniNotFound or IdempotencyKeyReused).
 * The outcome and duration are counted twice: under `service` alone (what the alarms watch) and, once the
 * request resolved to a configured VIP, under Cluster and Vip too. Only configured names become
 * dimensions, so the per-VIP series are bounded by the configuration: at most 8 per VIP (7 outcome
 * kinds and SwitchDuration), whatever the requests say.
 */
export const switchTelemetry = (
  outcome: SwitchOutcome,
  durationMs: number,
  target?: SwitchTarget,
): Telemetry => {
  const reason = rejectionReason(outcome);
  const perVip = target === undefined ? undefined : { Cluster: target.cluster, Vip: target.vip };
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
      ...(perVip === undefined
        ? []
        : [
            { name: outcome.kind, unit: 'Count', value: 1, dimensions: perVip } as const,
            {
              name: 'SwitchDuration',
              unit: 'Milliseconds',
              value: durationMs,
              dimensions: perVip,
            } as const,
          ]),
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
