/**
 * The edges of the checks: the timestamp window, key rotation, other nodes' keys, unknown algorithms and
 * key ids, replays, configuration lookups, and what reaches the logs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import vectors from '../../../../../docs/test-vectors.json';
import { toBase64Url } from '../../../../../shared/core/lkrc';
import { makeKeyring } from '../../../../../shared/domain/intake/keyring';
import { signFields } from '../../../../../shared/domain/intake/signing';
import { logger } from '../../../../../shared/telemetry';
import {
  check,
  checkDeps,
  demoConfig,
  failoverEvent,
  fixedClock,
  heartbeatEvent,
  memoryKeyStore,
  signingKey,
  T0,
  unitHandler,
  vectorKeyEntries,
} from '../../../../support/lkrc';

type Event = Record<string, unknown> & { detail: Record<string, unknown> };
const SECOND = 1000;

describe('timestamp window (±300 s, whole seconds)', () => {
  it.each([
    [-300, 'Verified'],
    [-301, 'TooOld'],
    [300, 'Verified'],
    [301, 'TooNew'],
  ])('a message signed %i s from now is %s', async (offset, expected) => {
    // Prepare: the receiver's clock is fixed; the sender's is offset.
    const event = failoverEvent({ nowMs: T0 + offset * SECOND });
    // Act
    const outcome = await check(event, checkDeps(T0));
    // Assess
    expect(outcome.kind === 'Verified' ? 'Verified' : (outcome as { reason: string }).reason).toBe(
      expected,
    );
  });

  it.each([
    ['a numeric string', '1764064800'],
    ['an exponent string', '1e9'],
    ['null (NaN as JSON)', null],
    ['a fraction', 1_764_064_800.5],
    ['a negative number', -1_764_064_800],
    ['zero', 0],
    ['more than 2^53', 2 ** 53 + 2],
    ['a boolean', true],
  ])('a ts that is %s is SchemaInvalid', async (_what, ts) => {
    // Prepare
    const event = failoverEvent({}) as Event;
    event.detail.ts = ts;
    // Act
    const outcome = await check(event, checkDeps(T0));
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'SchemaInvalid' });
  });
});

describe('key rotation overlap matrix', () => {
  // Old key retires at T0 + 1 h; the new one is valid from T0.
  const OLD = 'node1.2026-11';
  const NEW = 'node1.h2026-11';
  const RETIRE = T0 + 3_600 * SECOND;
  const rotatingDeps = (nowMs: number) => {
    const entries = () =>
      vectorKeyEntries().map((entry) =>
        entry.kid === OLD
          ? { ...entry, notAfter: new Date(RETIRE).toISOString() }
          : entry.kid === NEW
            ? { ...entry, notBefore: new Date(T0).toISOString() }
            : entry,
      );
    const now = () => new Date(nowMs);
    return checkDeps(nowMs, {
      keyring: makeKeyring(() => [], memoryKeyStore(entries).store, now, {
        refreshIntervalMs: 60_000,
      }),
    });
  };

  it.each([
    ['old + new', [OLD, NEW], T0 + 60 * SECOND, 'Verified'],
    ['only new', [NEW], T0 + 60 * SECOND, 'Verified'],
    ['only old, inside the overlap', [OLD], T0 + 60 * SECOND, 'Verified'],
    ['only old, after retirement', [OLD], RETIRE + 60 * SECOND, 'BadSignature'],
    ['only new, before it is valid', [NEW], T0 - 60 * SECOND, 'BadSignature'],
    ['old + new, after retirement', [OLD, NEW], RETIRE + 60 * SECOND, 'Verified'],
  ])('%s → %s', async (_name, kids, at, expected) => {
    // Prepare
    const event = failoverEvent({ kids: kids as string[], nowMs: at as number });
    // Act
    const outcome = await check(event, rotatingDeps(at as number));
    // Assess
    expect(outcome.kind === 'Verified' ? 'Verified' : (outcome as { reason: string }).reason).toBe(
      expected,
    );
  });
});

describe('signatures and keys', () => {
  it("rejects another node's valid key as SourceMismatch", async () => {
    // Prepare: node2 signs a claim in node1's name.
    const event = failoverEvent({ node: 'node1', kids: ['node2.2026-11'] });
    // Act
    const outcome = await check(event, checkDeps(T0));
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'SourceMismatch' });
  });

  it('rejects a body that names another node than the source, even when the source node signed it', async () => {
    // Prepare
    const event = failoverEvent({ node: 'node2', kids: ['node2.2026-11'] }) as Event;
    const claim = JSON.parse(Buffer.from(event.detail.body as string, 'base64url').toString());
    event.source = 'lifekeeper.lk-demo.node2';
    const body = toBase64Url(Buffer.from(JSON.stringify({ ...claim, node: 'node1' })));
    event.detail.body = body;
    event.detail.sig = signFields(
      {
        source: 'lifekeeper.lk-demo.node2',
        detailType: 'LifeKeeper Failover',
        msgId: event.detail.msgId as string,
        ts: event.detail.ts as number,
        body,
      },
      [signingKey('node2.2026-11')],
    );
    // Act
    const outcome = await check(event, checkDeps(T0));
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'SourceMismatch' });
  });

  it('ignores an unknown algorithm next to a valid signature', async () => {
    // Prepare
    const event = failoverEvent({}) as Event;
    (event.detail.sig as unknown[]).unshift({ kid: 'node1.2026-11', alg: 'v9', value: 'AAAA' });
    // Act
    const outcome = await check(event, checkDeps(T0));
    // Assess
    expect(outcome.kind).toBe('Verified');
  });

  it('rejects a message whose signatures all use unknown algorithms as BadVersion', async () => {
    // Prepare
    const event = failoverEvent({}) as Event;
    event.detail.sig = [{ kid: 'node1.2026-11', alg: 'v2', value: 'AAAA' }];
    // Act
    const outcome = await check(event, checkDeps(T0));
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'BadVersion' });
  });

  it.each([
    ['too short', 'AAAA'],
    ['too long', 'A'.repeat(64)],
    ['one byte short of 32', toBase64Url(Buffer.alloc(31))],
  ])('rejects an HMAC signature that is %s without throwing', async (_what, value) => {
    // Prepare
    const event = failoverEvent({ kids: ['node1.h2026-11'] }) as Event;
    const [signature] = event.detail.sig as { value: string }[];
    if (signature) signature.value = value;
    // Act
    const outcome = await check(event, checkDeps(T0));
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'BadSignature' });
  });

  it('refreshes the key store once for an unknown key id, then rejects it as UnknownKey', async () => {
    // Prepare
    const clock = fixedClock(T0);
    const { store, loads } = memoryKeyStore(vectorKeyEntries);
    const deps = checkDeps(T0, {
      keyring: makeKeyring(() => [], store, clock, { refreshIntervalMs: 60_000 }),
    });
    const unknown = () => {
      const event = failoverEvent({}) as Event;
      const [signature] = event.detail.sig as { kid: string }[];
      if (signature) signature.kid = 'node1.unknown';
      return event;
    };
    // Act
    const first = await check(unknown(), deps);
    const second = await check(unknown(), deps);
    clock.set(T0 + 61 * SECOND);
    const afterInterval = await check(unknown(), deps);
    // Assess
    expect([first, second, afterInterval].map((o) => (o as { reason: string }).reason)).toEqual([
      'UnknownKey',
      'UnknownKey',
      'UnknownKey',
    ]);
    // One forced read for the first two (inside one interval), one more after the interval.
    expect(loads.map((l) => l.forceFetch)).toEqual([false, true, false, false, true]);
  });

  it('picks up a key added to the store after the first read through the forced refresh', async () => {
    // Prepare: the store lacks node2's key at first, and serves its cached copy unless forced (as Powertools does).
    let entries = vectorKeyEntries().filter((e) => e.node === 'node1');
    let cached: unknown[] | undefined;
    const { store, loads } = memoryKeyStore(() => entries);
    const caching = {
      load: async (cluster: string, options: { forceFetch: boolean }) => {
        if (cached === undefined || options.forceFetch) cached = await store.load(cluster, options);
        else loads.push({ cluster, forceFetch: false });
        return cached;
      },
    };
    const deps = checkDeps(T0, {
      keyring: makeKeyring(
        () => [],
        caching,
        () => new Date(T0),
        { refreshIntervalMs: 60_000 },
      ),
    });
    await check(failoverEvent({}), deps);
    entries = vectorKeyEntries();
    // Act
    const outcome = await check(failoverEvent({ node: 'node2', kids: ['node2.2026-11'] }), deps);
    // Assess
    expect(outcome.kind).toBe('Verified');
    expect(loads.map((l) => l.forceFetch)).toEqual([false, false, true]);
  });

  it('trusts a public key listed in the configuration without a key store', async () => {
    // Prepare
    const node2 = vectors.keys.find((k) => k.kid === 'node2.2026-11') as { publicKey: string };
    const config = demoConfig({
      signing: {
        publicKeys: [{ kid: 'node2.2026-11', node: 'node2', publicKey: node2.publicKey }],
      },
    });
    const configured = (name: string) =>
      config.clusters.find((c) => c.name === name)?.signing?.publicKeys ?? [];
    const deps = checkDeps(T0, {
      config,
      keyring: makeKeyring(configured, memoryKeyStore(() => []).store, () => new Date(T0), {
        refreshIntervalMs: 60_000,
      }),
    });
    // Act
    const outcome = await check(failoverEvent({ node: 'node2', kids: ['node2.2026-11'] }), deps);
    // Assess
    expect(outcome.kind).toBe('Verified');
  });
});

describe('configuration lookups and replays', () => {
  it('rejects a validly signed message of a node the configuration does not list as UnknownNode', async () => {
    // Prepare: the key store trusts node2, the configuration has only node1 and node3.
    const config = demoConfig({
      nodes: [
        { name: 'node1', instanceId: 'i-0a1b2c3d4e5f60711', eniId: 'eni-0a1b2c3d4e5f60711' },
        { name: 'node3', instanceId: 'i-0a1b2c3d4e5f60733', eniId: 'eni-0a1b2c3d4e5f60733' },
      ],
    });
    // Act
    const outcome = await check(
      failoverEvent({ node: 'node2', kids: ['node2.2026-11'] }),
      checkDeps(T0, { config }),
    );
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'UnknownNode' });
  });

  it('rejects a claim for a VIP the cluster does not manage as UnknownVip', async () => {
    // Act
    const outcome = await check(failoverEvent({ vip: '10.1.0.99' }), checkDeps(T0));
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'UnknownVip' });
  });

  it('applies a message once and rejects its replay inside the window as Duplicate', async () => {
    // Prepare
    const handler = unitHandler(T0 + 120 * SECOND);
    const event = failoverEvent({});
    // Act
    const first = await handler.handle(structuredClone(event));
    const replay = await handler.handle(structuredClone(event));
    // Assess
    expect(first.kind).toBe('FailoverRequested');
    expect(replay).toMatchObject({ kind: 'Rejected', reason: 'Duplicate' });
    expect(handler.applied).toHaveLength(1);
  });

  it('rejects a body whose msgId differs from the signed detail as SchemaInvalid', async () => {
    // Prepare
    const event = failoverEvent({ msgId: 'aaaaaaaaaaaaaaaaaaaa' }) as Event;
    event.detail.msgId = 'bbbbbbbbbbbbbbbbbbbb';
    // Act
    const outcome = await check(event, checkDeps(T0));
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'SchemaInvalid' });
  });
});

describe('logs', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    logger.setLogLevel('SILENT');
  });

  it('never contain a signature, the body (encoded or decoded) or key material', async () => {
    // Prepare
    const lines: string[] = [];
    for (const stream of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      });
    }
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    });
    logger.setLogLevel('DEBUG');
    const handler = unitHandler(T0);
    const accepted = failoverEvent({ kids: ['node1.2026-11', 'node1.h2026-11'] }) as Event;
    const tampered = structuredClone(accepted);
    const claim = Buffer.from(accepted.detail.body as string, 'base64url').toString();
    tampered.detail.body = toBase64Url(Buffer.from(claim.replace('10.1.0.10', '10.1.0.11')));
    const foreign = failoverEvent({ node: 'node1', kids: ['node2.2026-11'] }) as Event;
    // Act
    for (const event of [accepted, tampered, foreign, heartbeatEvent({})]) {
      await handler.handle(structuredClone(event));
    }
    // Assess
    const output = lines.join('\n');
    expect(output).toContain('node notification rejected: BadSignature');
    expect(output).toContain('node notification rejected: SourceMismatch');
    expect(output).toContain('failover claim accepted');
    const secrets = [
      ...[accepted, tampered, foreign].flatMap((e) => [
        e.detail.body as string,
        ...(e.detail.sig as { value: string }[]).map((s) => s.value),
      ]),
      Buffer.from(accepted.detail.body as string, 'base64url').toString(),
      '"claimedAt"',
      ...vectors.keys.flatMap((k) => [
        (k as { secret?: string }).secret,
        (k as { privateKey?: string }).privateKey,
      ]),
    ].filter((text): text is string => typeof text === 'string');
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
