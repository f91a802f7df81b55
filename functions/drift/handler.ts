import type { Context } from 'aws-lambda';
import { emit } from '../../shared/telemetry';
import type { DriftFunctionDeps } from './deps';
import { type DriftSummary, driftTelemetry } from './telemetry';

/** Scheduled: run every check once, record metrics and one log line per finding, fail on a lost publish. */
export const makeHandler =
  (deps: DriftFunctionDeps) =>
  async (_event?: unknown, context?: Context): Promise<DriftSummary> => {
    const run = await deps.checkAndRepair(context?.getRemainingTimeInMillis());
    const telemetry = driftTelemetry(run);
    emit(telemetry);
    if (run.publishFailures.length > 0) {
      // Metrics are flushed by the middleware either way; the error makes the Errors alarm see it.
      throw new Error(`drift events not published: ${run.publishFailures.join('; ')}`);
    }
    return telemetry.summary;
  };
