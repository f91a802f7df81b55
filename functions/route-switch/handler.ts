import { IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { EventBridgeEnvelope } from '@aws-lambda-powertools/parser/envelopes/eventbridge';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { rejected, type SwitchOutcome } from '../../shared/domain/outcomes';
import { resolveCommand } from '../../shared/domain/switch-route';
import { RouteSwitchRequested } from '../../shared/events/route-switch-requested';
import { logger, metrics } from '../../shared/powertools';
import type { RouteSwitchDeps } from './deps';

/** Parse the request, resolve it against the configuration, run the idempotent switch, record the outcome. */
export const makeHandler =
  (deps: RouteSwitchDeps) =>
  async (event: unknown, context: Context): Promise<SwitchOutcome> => {
    const started = Date.now();
    const parsed = EventBridgeEnvelope.safeParse(event, RouteSwitchRequested);
    if (!parsed.success) {
      return record(
        rejected('Refused', `SchemaInvalid: ${parsed.error.message.slice(0, 500)}`),
        started,
      );
    }
    const { cluster, vip, node, orderToken, idempotencyKey, reason } = parsed.data;
    logger.appendKeys({ cluster, vip, node, orderToken, idempotencyKey, reason });
    const resolved = resolveCommand(deps.config, parsed.data);
    if ('refused' in resolved) return record(resolved.refused, started);
    deps.registerContext(context);
    try {
      return record(await deps.run(resolved.command), started);
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        const detail = 'idempotency key reused for another node or ENI';
        return record(rejected('SplitBrainSuspected', detail), started);
      }
      metrics.addMetric('SwitchFault', MetricUnit.Count, 1);
      logger.error('route switch failed; the event will be retried or dead-lettered', { error });
      throw error;
    }
  };

const REJECTIONS: readonly string[] = ['RejectedStale', 'SplitBrainSuspected', 'Refused'];

/** One log line and one metric per outcome kind, plus duration, tables changed and rejections by reason. */
const record = (outcome: SwitchOutcome, started: number): SwitchOutcome => {
  metrics.addMetric(outcome.kind, MetricUnit.Count, 1);
  if (REJECTIONS.includes(outcome.kind)) {
    const reason =
      outcome.kind === 'Refused' ? (outcome.detail ?? '').split(':')[0] || 'Unknown' : outcome.kind;
    metrics
      .singleMetric()
      .addDimension('reason', reason)
      .addMetric('SwitchRejected', MetricUnit.Count, 1);
  }
  metrics.addMetric('SwitchDuration', MetricUnit.Milliseconds, Date.now() - started);
  metrics.addMetric('TablesChanged', MetricUnit.Count, outcome.changed.length);
  const level = ['Switched', 'AlreadyInPlace'].includes(outcome.kind) ? 'info' : 'warn';
  logger[level](`route switch ${outcome.kind}`, { outcome });
  return outcome;
};

/** Wrap a handler with Powertools context injection and metric flushing. */
export const instrument = (handler: ReturnType<typeof makeHandler>) =>
  middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
