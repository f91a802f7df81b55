import { describe, expect, it } from 'vitest';
import { MAX_TS, toBase64Url } from '../../../../../shared/core/lkrc';
import { parseKeyEntries } from '../../../../../shared/domain/intake/keyring';
import {
  canonicalString,
  constantTimeEqual,
  ed25519PrivateKey,
  ed25519PublicKey,
  invalidField,
  type SignedFields,
  SigningInputError,
  signCanonical,
  verifyOne,
  verifySignatures,
} from '../../../../../shared/domain/intake/signing';
import { signingKey, vectorKeyEntries } from '../../../../support/lkrc';

/**
 * The signing module's own guards, checked directly: the schemas in front of them already refuse most of
 * these inputs, so only a direct test shows that the guards themselves hold (defence in depth).
 */
const FIELDS: SignedFields = {
  source: 'lifekeeper.lk-demo.node1',
  detailType: 'LifeKeeper Failover',
  msgId: '01JD3Q7Z8W4K2N6V9X0T5R1M3B',
  ts: 1_764_064_800,
  body: toBase64Url(Buffer.from('{"type":"failover"}', 'utf8')),
};
const trusted = parseKeyEntries(vectorKeyEntries()).keys;
const ed25519 = trusted.get('node1.2026-11');
const hmac = trusted.get('node1.h2026-11');
if (ed25519 === undefined || hmac === undefined) throw new Error('vector keys missing');

describe('invalidField and canonicalString', () => {
  it('accepts well-formed fields', () => {
    // Act / Assess
    expect(invalidField(FIELDS)).toBeUndefined();
    expect(canonicalString(FIELDS).split('\n')).toHaveLength(6);
  });

  it.each<[keyof SignedFields, unknown]>([
    ['source', 'lifekeeper.lk-demo'],
    ['source', 'lifekeeper.lk-demo.node1\nx'],
    ['detailType', 'LifeKeeper\nFailover'],
    ['msgId', 'short'],
    ['ts', 0],
    ['ts', -1],
    ['ts', 1.5],
    ['ts', MAX_TS + 1],
    ['ts', Number.MAX_SAFE_INTEGER + 2],
    ['body', 'a'],
    ['body', 'AB='],
    ['body', 'AB'],
  ])('names %s = %j as the field that may not be signed', (field, value) => {
    // Prepare
    const fields = { ...FIELDS, [field]: value } as SignedFields;
    // Act
    const bad = invalidField(fields);
    // Assess
    expect(bad).toBe(field);
    expect(() => canonicalString(fields)).toThrow(SigningInputError);
  });

  it('accepts the largest signed time', () => {
    // Act / Assess
    expect(invalidField({ ...FIELDS, ts: MAX_TS })).toBeUndefined();
  });
});

describe('verifyOne', () => {
  const canonical = canonicalString(FIELDS);
  const good = signCanonical(canonical, signingKey('node1.2026-11'));
  const goodHmac = signCanonical(canonical, signingKey('node1.h2026-11'));

  it('verifies a signature by its own key, Ed25519 and HMAC', () => {
    // Act / Assess
    expect(verifyOne(canonical, good, ed25519)).toBe(true);
    expect(verifyOne(canonical, goodHmac, hmac)).toBe(true);
  });

  it('refuses a signature whose algorithm or key id is not the key’s', () => {
    // Act / Assess
    expect(verifyOne(canonical, { ...good, alg: 'v1' }, ed25519)).toBe(false);
    expect(verifyOne(canonical, { ...good, kid: 'node1.other' }, ed25519)).toBe(false);
    expect(verifyOne(canonical, { ...goodHmac, kid: 'node1.other' }, hmac)).toBe(false);
  });

  it('refuses values that are not canonical base64url or have the wrong length', () => {
    // Act / Assess
    expect(verifyOne(canonical, { ...good, value: `${good.value}=` }, ed25519)).toBe(false);
    expect(verifyOne(canonical, { ...good, value: good.value.slice(0, 40) }, ed25519)).toBe(false);
    expect(verifyOne(canonical, { ...goodHmac, value: goodHmac.value.slice(0, 40) }, hmac)).toBe(
      false,
    );
    expect(verifyOne(canonical, { ...goodHmac, value: `${goodHmac.value}AA` }, hmac)).toBe(false);
  });

  it('refuses a signature over another canonical string', () => {
    // Act / Assess
    const other = canonicalString({ ...FIELDS, ts: FIELDS.ts + 1 });
    expect(verifyOne(other, good, ed25519)).toBe(false);
    expect(verifyOne(other, goodHmac, hmac)).toBe(false);
  });
});

describe('constantTimeEqual and raw keys', () => {
  it('compares bytes, and unequal lengths are never equal', () => {
    // Act / Assess
    expect(constantTimeEqual(Buffer.from([1, 2]), Buffer.from([1, 2]))).toBe(true);
    expect(constantTimeEqual(Buffer.from([1, 2]), Buffer.from([1, 3]))).toBe(false);
    expect(constantTimeEqual(Buffer.from([1, 2]), Buffer.from([1, 2, 3]))).toBe(false);
  });

  it('refuses Ed25519 keys that are not 32 bytes', () => {
    // Act / Assess
    expect(() => ed25519PrivateKey(new Uint8Array(31))).toThrow(/32 bytes/);
    expect(() => ed25519PublicKey(new Uint8Array(33))).toThrow(/32 bytes/);
  });
});

describe('verifySignatures: every name must agree', () => {
  const body = { cluster: 'lk-demo', node: 'node1' };
  const nowMs = FIELDS.ts * 1000;

  it('refuses a key bound to another node even when it signed and its id names the source node', () => {
    // Prepare: a trust entry that says node1's key id belongs to node2.
    const misbound = new Map([['node1.2026-11', { ...ed25519, node: 'node2' }]]);
    const signatures = [signCanonical(canonicalString(FIELDS), signingKey('node1.2026-11'))];
    // Act
    const verdict = verifySignatures({ fields: FIELDS, signatures, keys: misbound, body, nowMs });
    // Assess
    expect(verdict).toMatchObject({ ok: false, reason: 'SourceMismatch' });
  });

  it('refuses a key whose id names another node than the source, even when it is bound to the source node', () => {
    // Prepare: node2's key, entered as node1's.
    const key = trusted.get('node2.2026-11');
    if (key === undefined) throw new Error('vector key missing');
    const misnamed = new Map([['node2.2026-11', { ...key, node: 'node1' }]]);
    const signatures = [signCanonical(canonicalString(FIELDS), signingKey('node2.2026-11'))];
    // Act
    const verdict = verifySignatures({ fields: FIELDS, signatures, keys: misnamed, body, nowMs });
    // Assess
    expect(verdict).toMatchObject({ ok: false, reason: 'SourceMismatch' });
  });

  it('names the key it checked when the names disagree', () => {
    // Prepare
    const signatures = [signCanonical(canonicalString(FIELDS), signingKey('node1.2026-11'))];
    // Act
    const verdict = verifySignatures({
      fields: FIELDS,
      signatures,
      keys: trusted,
      body: { cluster: 'lk-demo', node: 'node2' },
      nowMs,
    });
    // Assess
    expect(verdict).toMatchObject({ ok: false, detail: expect.stringContaining('node1.2026-11') });
  });
});
