import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { IngestOutcome } from '../../shared/domain/apply-notification';
import { logger, metrics } from '../../shared/powertools';

/**
 * One log line and the metrics of an outcome. Rejections are counted by reason; heartbeats give clock skew
 * and heartbeat age per node. Only decisions and identifiers are logged: never the body, a signature or key.
 */
export const recordOutcome = (outcome: IngestOutcome): IngestOutcome => {
  if (outcome.kind === 'Rejected') {
    // By reason for the dashboard, and without dimensions for the rejected-events alarm.
    const metric = metrics.singleMetric();
    metric.addDimension('reason', outcome.reason);
    metric.addMetric('NodeEventRejected', MetricUnit.Count, 1);
    metrics.addMetric('NodeEventRejected', MetricUnit.Count, 1);
    logger.warn(`node notification rejected: ${outcome.reason}`, { outcome });
    return outcome;
  }
  if (outcome.kind === 'FailoverRequested') {
    metrics.addMetric('FailoverClaimAccepted', MetricUnit.Count, 1);
    logger.info('failover claim accepted; route switch requested', { outcome });
    return outcome;
  }
  const perNode = metrics.singleMetric();
  perNode.addDimensions({ cluster: outcome.cluster, node: outcome.node });
  perNode.addMetric('NodeClockSkew', MetricUnit.Milliseconds, outcome.clockSkewMs);
  if (outcome.heartbeatAgeMs !== undefined) {
    perNode.addMetric('HeartbeatAge', MetricUnit.Milliseconds, outcome.heartbeatAgeMs);
  }
  metrics.addMetric('HeartbeatAccepted', MetricUnit.Count, 1);
  if (outcome.mismatches.length > 0) {
    metrics.addMetric('OwnershipMismatch', MetricUnit.Count, outcome.mismatches.length);
  }
  if (outcome.bootstrapped.length > 0) {
    metrics.addMetric('Bootstrap', MetricUnit.Count, outcome.bootstrapped.length);
  }
  const level = outcome.mismatches.length > 0 ? 'warn' : 'info';
  logger[level]('heartbeat recorded', { outcome });
  return outcome;
};
