import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * How the three functions tell what happened: each maps its outcome to `Telemetry` (log lines and metric
 * points, a pure function in its folder), and `emit` writes it through the Powertools singletons (one per
 * container). Service name and namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE
 * (set in serverless.yml) with these fallbacks. Incoming events are never logged (they carry signatures):
 * log decisions, not payloads.
 */
export const SERVICE_NAME = 'routekeeper';
export const METRICS_NAMESPACE = 'Routekeeper';

export const logger = new Logger({
  serviceName: SERVICE_NAME,
  logRecordOrder: ['level', 'message'],
});

export const metrics = new Metrics({ serviceName: SERVICE_NAME, namespace: METRICS_NAMESPACE });

/**
 * X-Ray (serverless.yml `tracing.lambda`): a segment per invocation and, through `capture` on every SDK
 * client a function builds, a subsegment per AWS call. Off outside Lambda (tests, local runs, the CLI):
 * Powertools enables it only where AWS_EXECUTION_ENV is set. Responses are not recorded (they would copy
 * each outcome into the trace); errors are.
 */
export const tracer = new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });

/** For ClientOptions.capture: one subsegment per call of the client. */
export const capture = <C extends object>(client: C): C => tracer.captureAWSv3Client(client);

export interface MetricPoint {
  readonly name: string;
  readonly unit: 'Count' | 'Milliseconds' | 'Seconds';
  readonly value: number;
  /** Without dimensions the point goes to the run's metric set (service=routekeeper only). */
  readonly dimensions?: Readonly<Record<string, string>>;
}

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

export interface Telemetry {
  readonly lines: readonly LogLine[];
  readonly metrics: readonly MetricPoint[];
}

const UNITS = {
  Count: MetricUnit.Count,
  Milliseconds: MetricUnit.Milliseconds,
  Seconds: MetricUnit.Seconds,
} as const;

/** Write an outcome's log lines and metric points. */
export const emit = (telemetry: Telemetry): void => {
  for (const point of telemetry.metrics) {
    if (point.dimensions === undefined) {
      metrics.addMetric(point.name, UNITS[point.unit], point.value);
    } else {
      const single = metrics.singleMetric();
      single.addDimensions({ ...point.dimensions });
      single.addMetric(point.name, UNITS[point.unit], point.value);
    }
  }
  for (const line of telemetry.lines) logger[line.level](line.message, { ...line.fields });
};

/** Wrap a handler with its trace segment, Powertools context injection (keys reset per event) and metric flushing. */
export const instrument = <E, R>(handler: (event: E, context: Context) => Promise<R>) =>
  middy(handler)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
