import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../../dev/fault-proxy';

/** A stand-in for the emulator: answers 200 at once and remembers the order the actions reached it. */
const upstream = async () => {
  const reached: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      reached.push(new URLSearchParams(body).get('Action') ?? '');
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('<ok/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, reached, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

const ec2Call = (proxy: FaultProxy, action: string) =>
  fetch(proxy.url, {
    method: 'POST',
    headers: {
      authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261130/eu-west-1/ec2/aws4_request',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: `Action=${action}&Version=2016-11-15`,
    signal: AbortSignal.timeout(5_000),
  }).then((res) => res.status);

describe('the fault proxy hold', () => {
  let emulator: Awaited<ReturnType<typeof upstream>>;
  let proxy: FaultProxy;
  beforeEach(async () => {
    emulator = await upstream();
    proxy = await startFaultProxy({ target: emulator.url, seed: 1 });
  });
  afterEach(async () => {
    await proxy.close();
    await new Promise((resolve) => emulator.server.close(resolve));
  });

  it('forwards a held request only after the call it waits for has finished, however late that is', async () => {
    // Prepare
    const described = proxy.seen((call) => call.operation === 'DescribeRouteTables');
    proxy.setRules([
      {
        service: 'ec2',
        operations: ['ReplaceRoute'],
        fault: { kind: 'hold', until: described, maxMs: 5_000 },
      },
    ]);
    // Act
    const write = ec2Call(proxy, 'ReplaceRoute');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reachedBeforeTheRead = [...emulator.reached];
    const read = await ec2Call(proxy, 'DescribeRouteTables');
    // Assess
    expect(reachedBeforeTheRead).toEqual([]);
    expect([read, await write]).toEqual([200, 200]);
    expect(emulator.reached).toEqual(['DescribeRouteTables', 'ReplaceRoute']);
    const held = proxy.calls.find((call) => call.operation === 'ReplaceRoute');
    expect(held).toMatchObject({ reachedEmulator: true, clientStatus: 200 });
    expect(held?.delayedMs).toBeGreaterThanOrEqual(250);
    expect(proxy.faults()).toEqual({ 'ec2 hold': 1 });
  });

  it('lets a held request go after maxMs when what it waits for never happens', async () => {
    // Prepare
    proxy.setRules([
      {
        service: 'ec2',
        operations: ['ReplaceRoute'],
        fault: { kind: 'hold', until: new Promise(() => undefined), maxMs: 200 },
      },
    ]);
    // Act
    const status = await ec2Call(proxy, 'ReplaceRoute');
    // Assess
    expect(status).toBe(200);
    expect(emulator.reached).toEqual(['ReplaceRoute']);
    expect(proxy.calls[0]?.delayedMs).toBeGreaterThanOrEqual(190);
  });
});
