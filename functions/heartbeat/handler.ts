import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parse } from '@aws-lambda-powertools/parser';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type IngestOutcome, ingestNotification } from '../../shared/domain/apply-notification';
import { describeIssues, rejection } from '../../shared/domain/check-notification';
import { NodeNotificationEvent } from '../../shared/events/lifekeeper-signed';
import { logger, metrics } from '../../shared/powertools';
import type { HeartbeatDeps } from './deps';
import { recordOutcome } from './record-outcome';

/**
 * Parse a node's signed notification, check it, apply it once, record the outcome. Rejections are returned
 * (no retry storm); only faults (key store, tables, a refused publish) throw and are retried.
 */
export const makeHandler =
  (deps: HeartbeatDeps) =>
  async (event: unknown, context: Context): Promise<IngestOutcome> => {
    deps.registerContext(context);
    const parsed = parse(event, undefined, NodeNotificationEvent, true);
    if (!parsed.success) {
      // The parser's error carries the schema issues as its cause.
      const issues = Array.isArray(parsed.error.cause) ? parsed.error.cause : [];
      return recordOutcome(rejection('SchemaInvalid', `event: ${describeIssues(issues)}`));
    }
    logger.appendKeys({ source: parsed.data.source, msgId: parsed.data.detail.msgId });
    try {
      return recordOutcome(await ingestNotification(parsed.data, deps));
    } catch (error) {
      metrics.addMetric('IngestFault', MetricUnit.Count, 1);
      logger.error('node notification could not be processed; it will be retried', { error });
      throw error;
    }
  };

/** Wrap a handler with Powertools context injection and metric flushing. */
export const instrument = (handler: ReturnType<typeof makeHandler>) =>
  middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
