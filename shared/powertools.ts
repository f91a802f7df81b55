import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * The Powertools singletons, one per container. Service name and namespace come from
 * POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE (set in serverless.yml) with these fallbacks.
 * Incoming events are never logged (they carry signatures); log decisions, not payloads.
 */
export const SERVICE_NAME = 'routekeeper';
export const METRICS_NAMESPACE = 'Routekeeper';

export const logger = new Logger({
  serviceName: SERVICE_NAME,
  logRecordOrder: ['level', 'message'],
});

export const metrics = new Metrics({ serviceName: SERVICE_NAME, namespace: METRICS_NAMESPACE });
