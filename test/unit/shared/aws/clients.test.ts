/**
 * Every AWS call ends: against an endpoint that accepts and never answers, or answers with a body that
 * never completes, a client's call fails within its timeouts with a retryable AwsCallError, and a stop
 * signal (a Lambda deadline, the doctor's --timeout) ends it sooner.
 */
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../../shared/aws/call-error';
import { makeEc2ReadClient } from '../../../../shared/aws/clients';
import { AwsCallError } from '../../../../shared/core/errors';
import { runUntil } from '../../../../shared/core/stop';
import { type StalledServer, startStalledServer } from '../../../support/stalled-server';

let server: StalledServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const describeVpcs = (endpoint: string, timeouts?: { connectionMs: number; answerMs: number }) => {
  const client = makeEc2ReadClient({ endpoint, region: 'us-east-1', timeouts });
  return call('DescribeVpcs', () => client.send(new DescribeVpcsCommand({})));
};

const failure = async (promise: Promise<unknown>) => {
  const started = Date.now();
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, elapsedMs: Date.now() - started };
};

describe('AWS client timeouts', () => {
  it('fails a call to an endpoint that never answers as retryable, after every attempt timed out', async () => {
    // Prepare
    server = await startStalledServer('stall');
    // Act
    const { error, elapsedMs } = await failure(
      describeVpcs(server.url, { connectionMs: 200, answerMs: 300 }),
    );
    // Assess: three attempts (the read client's), each cut at 300 ms, plus backoff.
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ retryable: true });
    expect(server.requests()).toBe(3);
    expect(elapsedMs).toBeLessThan(3_000);
  }, 10_000);

  it('fails a call whose answer body never completes as retryable', async () => {
    // Prepare
    server = await startStalledServer('slowBody');
    // Act
    const { error, elapsedMs } = await failure(
      describeVpcs(server.url, { connectionMs: 200, answerMs: 300 }),
    );
    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ retryable: true });
    expect(elapsedMs).toBeLessThan(3_000);
  }, 10_000);

  it('ends a call in flight when its stop signal fires, as retryable', async () => {
    // Prepare: default timeouts (seconds); the stop signal fires after 300 ms.
    server = await startStalledServer('stall');
    const stop = AbortSignal.timeout(300);
    // Act
    const url = server.url;
    const { error, elapsedMs } = await failure(runUntil(stop, () => describeVpcs(url)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Assess: the request itself was aborted (its connection closed), not just left behind.
    expect(error).toMatchObject({ name: 'AwsCallError', retryable: true });
    expect(elapsedMs).toBeLessThan(1_500);
    expect(server.openSockets()).toBe(0);
  }, 10_000);
});
