import { parse } from '@aws-lambda-powertools/parser';
import type { Context } from 'aws-lambda';
import { type IngestOutcome, ingestNotification } from '../../shared/domain/intake/apply';
import { describeIssues, rejection } from '../../shared/domain/intake/check';
import { NodeNotificationEvent } from '../../shared/events/lifekeeper-signed';
import { emit, logger } from '../../shared/telemetry';
import type { HeartbeatDeps } from './deps';
import { ingestFaultTelemetry, ingestTelemetry } from './telemetry';

/**
 * The intake of every node event (heartbeats and failover claims alike; the name is the product's
 * contract). Parse a node's signed notification, check it, apply it once, record the outcome. Rejections
 * are returned (no retry storm); only faults (key store, tables, a refused publish) throw and are retried.
 */
export const makeHandler =
  (deps: HeartbeatDeps) =>
  async (event: unknown, context: Context): Promise<IngestOutcome> => {
    const done = (outcome: IngestOutcome) => {
      emit(ingestTelemetry(outcome));
      return outcome;
    };
    deps.registerContext(context);
    const parsed = parse(event, undefined, NodeNotificationEvent, true);
    if (!parsed.success) {
      // The parser's error carries the schema issues as its cause.
      const issues = Array.isArray(parsed.error.cause) ? parsed.error.cause : [];
      return done(rejection('SchemaInvalid', `event: ${describeIssues(issues)}`));
    }
    logger.appendKeys({ source: parsed.data.source, msgId: parsed.data.detail.msgId });
    try {
      return done(await ingestNotification(parsed.data, deps));
    } catch (error) {
      emit(ingestFaultTelemetry(error));
      throw error;
    }
  };
