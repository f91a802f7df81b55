import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { type Summary, summarise } from '../../shared/domain/checks/types';
import { logger, metrics } from '../../shared/powertools';
import type { DriftFunctionDeps } from './deps';
import { recordDriftMetrics } from './metrics';

export interface DriftSummary extends Summary {
  readonly repairs: number;
}

/** Scheduled: run every check once, record metrics and one log line per finding, fail on a lost publish. */
export const makeHandler = (deps: DriftFunctionDeps) => async (): Promise<DriftSummary> => {
  const run = await deps.run();
  recordDriftMetrics(metrics, run);
  const results = run.reports.flatMap((r) => r.results);
  for (const finding of results.filter((r) => r.outcome !== 'pass')) {
    logger.warn(`drift ${finding.outcome}: ${finding.check} ${finding.code}`, { finding });
  }
  for (const skipped of run.repairsSkipped) logger.info('repair skipped', { skipped });
  for (const repair of run.repairs) logger.info('repair requested', { repair });
  if (run.historyFailures.length > 0) {
    logger.warn('observed targets not recorded', { failures: run.historyFailures });
  }
  const summary = { ...summarise(results), repairs: run.repairs.length };
  logger.info('drift run finished', { summary });
  if (run.publishFailures.length > 0) {
    // Metrics are flushed by the middleware either way; the error makes the Errors alarm see it.
    throw new Error(`drift events not published: ${run.publishFailures.join('; ')}`);
  }
  return summary;
};

export const instrument = (handler: ReturnType<typeof makeHandler>) =>
  middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
