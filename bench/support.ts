import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { CLUSTER, REGION, VIP } from '../dev/guide';

/** Write JSON to a fresh temporary directory and return the file's path. */
export const writeTempJson = (name: string, value: unknown): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'routekeeper-bench-')), `${name}.json`);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
};

/** A Lambda context for a function run in-process. */
export const lambdaContext = (name: string, remainingMs = 60_000): Context =>
  ({
    functionName: `bench-${name}`,
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => remainingMs,
  }) as unknown as Context;

/** The event EventBridge hands a Lambda for a PutEvents entry. */
export const delivered = (source: string, detailType: string, detail: unknown) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': detailType,
  source,
  account: '123456789012',
  time: new Date().toISOString(),
  region: REGION,
  resources: [],
  detail,
});

/** A delivered `Route Switch Requested` for a failover claim of the demo VIP. */
export const switchRequest = (node: string, orderToken: number) =>
  delivered('routekeeper', 'Route Switch Requested', {
    version: '1',
    cluster: CLUSTER,
    vip: VIP,
    node,
    orderToken,
    idempotencyKey: `failover#${CLUSTER}#${VIP}#${node}#${orderToken}`,
    reason: 'failover',
    requestedAt: new Date().toISOString(),
  });
