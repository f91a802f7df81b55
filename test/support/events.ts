import type { Context } from 'aws-lambda';
import base from '../fixtures/events/route-switch-requested.v1.json';

/** A `Route Switch Requested` EventBridge event: the v1 fixture, cloned, with the given detail fields. */
export const switchRequestEvent = (detail: Record<string, unknown> = {}) => {
  const event = structuredClone(base);
  const merged = { ...event.detail, ...detail };
  if (detail.idempotencyKey === undefined) {
    merged.idempotencyKey = `failover#${merged.cluster}#${merged.vip}#${merged.node}#${merged.orderToken}`;
  }
  return { ...event, detail: merged };
};

/** A Lambda context with enough time left for the idempotency in-progress expiry. */
export const lambdaContext = (remainingMs = 30_000): Context =>
  ({
    functionName: 'routekeeper-test-routeSwitch',
    functionVersion: '$LATEST',
    invokedFunctionArn:
      'arn:aws:lambda:us-east-1:123456789012:function:routekeeper-test-routeSwitch',
    memoryLimitInMB: '256',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: '/aws/lambda/routekeeper-test-routeSwitch',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;
