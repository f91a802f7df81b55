import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../../../../shared/core/lkrc';
import {
  checkNotification,
  decodeCommand,
  describeIssues,
} from '../../../../../shared/domain/intake/check';
import { makeKeyring, parseKeyEntries } from '../../../../../shared/domain/intake/keyring';
import { NodeNotificationEvent } from '../../../../../shared/events/lifekeeper-signed';
import { checkDeps, failoverEvent, T0, vectorKeyEntries } from '../../../../support/lkrc';

const b64 = (text: string | Buffer) =>
  toBase64Url(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);

describe('decodeCommand: each way a body fails, named', () => {
  it.each([
    ['not canonical base64url', 'AB', 'body is not canonical base64url'],
    ['not UTF-8', b64(Buffer.from([0xff, 0xfe, 0xfd])), 'body is not UTF-8'],
    ['not JSON', b64('{"type":'), 'body is not JSON'],
    [
      'a prototype key',
      b64('{"__proto__":{}}'),
      'body uses a forbidden key (__proto__, constructor, prototype)',
    ],
    ['schema-invalid', b64('{"type":"failover"}'), 'body: '],
  ])('refuses a body that is %s', (_what, body, detail) => {
    // Act
    const decoded = decodeCommand('LifeKeeper Failover', body);
    // Assess
    expect(decoded.ok).toBe(false);
    expect(decoded).toMatchObject({ detail: expect.stringContaining(detail) });
  });
});

describe('describeIssues: paths without attacker text', () => {
  it('joins safe segments and indexes, hides unsafe ones, names the root, and keeps at most five', () => {
    // Prepare
    const issues = [
      { path: ['detail', 'sig', 0, 'kid'], code: 'invalid_format' },
      { path: ['detail', 'evil key\n'], code: 'unrecognized_keys' },
      { path: [], code: 'invalid_type' },
      { path: ['a'], code: 'c4' },
      { path: ['b'], code: 'c5' },
      { path: ['c'], code: 'c6' },
    ];
    // Act
    const text = describeIssues(issues);
    // Assess
    expect(text).toBe(
      'detail.sig.0.kid:invalid_format, detail.?:unrecognized_keys, (root):invalid_type, a:c4, b:c5',
    );
  });
});

describe('checkNotification: details a log reader relies on', () => {
  const event = () => NodeNotificationEvent.parse(failoverEvent({ nowMs: T0 }));

  it('refuses another scheme version by name', async () => {
    // Prepare
    const notification = event();
    const changed = { ...notification, detail: { ...notification.detail, lkrc: '2' } };
    // Act
    const verdict = await checkNotification(changed, checkDeps(T0));
    // Assess
    expect(verdict).toMatchObject({
      reason: 'BadVersion',
      detail: 'scheme version "2" is not supported',
    });
  });

  it('refuses a message with no signature of a known algorithm', async () => {
    // Prepare
    const notification = event();
    const sig = notification.detail.sig.map((s) => ({ ...s, alg: 'v9' }));
    // Act
    const verdict = await checkNotification(
      { ...notification, detail: { ...notification.detail, sig } },
      checkDeps(T0),
    );
    // Assess
    expect(verdict).toMatchObject({
      reason: 'BadVersion',
      detail: expect.stringContaining('v1, v1a'),
    });
  });

  it('says how old or how far ahead a message was signed', async () => {
    // Act
    const old = await checkNotification(event(), checkDeps(T0 + 301_000));
    const ahead = await checkNotification(event(), checkDeps(T0 - 301_000));
    // Assess
    expect(old).toMatchObject({ reason: 'TooOld', detail: 'signed 301 s ago' });
    expect(ahead).toMatchObject({ reason: 'TooNew', detail: 'signed 301 s in the future' });
  });

  it('names the node and cluster that are not configured', async () => {
    // Prepare
    const deps = checkDeps(T0);
    const config = {
      ...deps.config,
      clusters: deps.config.clusters.map((c) => ({
        ...c,
        nodes: c.nodes.filter((n) => n.name !== 'node1'),
      })),
    };
    // Act
    const verdict = await checkNotification(event(), { ...deps, config });
    // Assess
    expect(verdict).toMatchObject({
      reason: 'UnknownNode',
      detail: 'node "node1" of cluster "lk-demo" is not configured',
    });
  });

  it('names the VIP that is not configured', async () => {
    // Prepare
    const notification = NodeNotificationEvent.parse(
      failoverEvent({ nowMs: T0, vip: '10.1.0.99' }),
    );
    // Act
    const verdict = await checkNotification(notification, checkDeps(T0));
    // Assess
    expect(verdict).toMatchObject({
      reason: 'UnknownVip',
      detail: 'VIP 10.1.0.99 is not configured in cluster "lk-demo"',
    });
  });
});

describe('keyring edges', () => {
  it('reports duplicate and invalid entries by position and keeps the first of a key id', () => {
    // Prepare
    const [first] = vectorKeyEntries();
    // Act
    const parsed = parseKeyEntries([first, { kid: 'bad' }, first]);
    // Assess
    expect(parsed.invalid).toEqual([1, 2]);
    expect([...parsed.keys.keys()]).toEqual([(first as { kid: string }).kid]);
  });

  it('keeps notBefore and notAfter as epoch ms, and omits them when absent', () => {
    // Prepare
    const [first] = vectorKeyEntries() as Record<string, unknown>[];
    // Act
    const limited = parseKeyEntries([
      { ...first, notBefore: '2026-11-01T00:00:00Z', notAfter: '2026-12-01T00:00:00Z' },
    ]).keys;
    const open = parseKeyEntries([{ ...first }]).keys;
    // Assess
    const key = [...limited.values()][0];
    expect(key).toMatchObject({
      notBefore: Date.parse('2026-11-01T00:00:00Z'),
      notAfter: Date.parse('2026-12-01T00:00:00Z'),
    });
    expect([...open.values()][0]).not.toHaveProperty('notBefore');
    expect([...open.values()][0]).not.toHaveProperty('notAfter');
  });

  it('forces a store read for an unknown key id at most once per interval, and again at its end', async () => {
    // Prepare
    let at = T0;
    const reads: boolean[] = [];
    const keyring = makeKeyring(
      () => [],
      {
        load: async (_cluster, { forceFetch }) => {
          reads.push(forceFetch);
          return [];
        },
      },
      () => new Date(at),
      { refreshIntervalMs: 60_000 },
    );
    // Act
    await keyring.lookup('lk-demo', ['node1.unknown']);
    at += 59_999;
    await keyring.lookup('lk-demo', ['node1.unknown']);
    at += 1;
    await keyring.lookup('lk-demo', ['node1.unknown']);
    // Assess
    expect(reads).toEqual([false, true, false, false, true]);
  });

  it('reports invalid store entries and only then', async () => {
    // Prepare
    const invalid: number[][] = [];
    const [good] = vectorKeyEntries();
    const keyring = (entries: unknown[]) =>
      makeKeyring(
        () => [],
        { load: async () => entries },
        () => new Date(T0),
        { refreshIntervalMs: 60_000 },
        { invalidEntries: (_cluster, positions) => invalid.push(positions) },
      );
    // Act
    await keyring([good]).lookup('lk-demo', []);
    await keyring([good, { kid: 'x' }]).lookup('lk-demo', []);
    // Assess
    expect(invalid).toEqual([[1]]);
  });

  it('returns the keys a forced read finds after an outage-free miss, and throws when the forced read fails', async () => {
    // Prepare
    const [good] = vectorKeyEntries() as { kid: string }[];
    let calls = 0;
    const keyring = makeKeyring(
      () => [],
      {
        load: async (_c, { forceFetch }) => {
          calls += 1;
          if (forceFetch) throw new Error('store down');
          return [];
        },
      },
      () => new Date(T0),
      { refreshIntervalMs: 60_000 },
    );
    // Act
    const lookup = keyring.lookup('lk-demo', [good?.kid as string]);
    // Assess
    await expect(lookup).rejects.toThrow('store down');
    expect(calls).toBe(2);
  });
});
