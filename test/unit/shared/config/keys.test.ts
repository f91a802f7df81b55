/**
 * The key-entry contract (shared/config/keys.ts): what a key store or the configuration may hand the verifier,
 * and how a key store reference is read. Each rule is held by one accepted and one refused example.
 */
import { describe, expect, it } from 'vitest';
import {
  ConfiguredPublicKey,
  KEY_STORE_PATTERN,
  KeyEntry,
  parseKeyStoreRef,
} from '../../../../shared/config/keys';
import { toBase64Url } from '../../../../shared/core/lkrc';

const bytes = (n: number) => toBase64Url(new Uint8Array(n).fill(7));
const ed25519 = { kid: 'node1.2026-11', node: 'node1', alg: 'v1a', publicKey: bytes(32) };
const hmac = { kid: 'node1.h2026-11', node: 'node1', alg: 'v1', secret: bytes(32) };

/** The messages of a refused entry, as `path: message`. */
const problems = (result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) => (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('KeyEntry', () => {
  it.each([
    ['an Ed25519 public key', ed25519],
    ['an HMAC secret of 32 bytes', hmac],
    ['an HMAC secret of 1024 bytes', { ...hmac, secret: bytes(1024) }],
    [
      'a key with a validity window',
      { ...ed25519, notBefore: '2026-11-01T00:00:00Z', notAfter: '2026-12-01T00:00:00+09:00' },
    ],
  ])('accepts %s', (_, entry) => {
    // Act
    const result = KeyEntry.safeParse(entry);
    // Assess
    expect(result.success).toBe(true);
  });

  it.each([
    [
      'a public key of 31 bytes',
      { ...ed25519, publicKey: bytes(31) },
      'publicKey: must be a raw Ed25519 public key: 32 bytes, base64url without padding',
    ],
    [
      'a public key that is not base64url',
      { ...ed25519, publicKey: '!!!' },
      'publicKey: must be a raw Ed25519 public key: 32 bytes, base64url without padding',
    ],
    [
      'a secret of 31 bytes',
      { ...hmac, secret: bytes(31) },
      'secret: must be a secret of at least 32 bytes, base64url without padding',
    ],
    [
      'a secret of 1025 bytes',
      { ...hmac, secret: bytes(1025) },
      'secret: must be a secret of at least 32 bytes, base64url without padding',
    ],
    [
      'a key id naming another node',
      { ...ed25519, kid: 'node2.2026-11' },
      'kid: the key id must start with "<node>."',
    ],
  ])('refuses %s, saying why', (_, entry, problem) => {
    // Act
    const result = KeyEntry.safeParse(entry);
    // Assess
    expect(problems(result)).toEqual([problem]);
  });

  it.each([
    ['an unknown algorithm', { ...ed25519, alg: 'v9' }],
    ['a public key under the HMAC algorithm', { ...ed25519, alg: 'v1' }],
    ['a secret beside a public key', { ...ed25519, secret: bytes(32) }],
    ['an unknown field of an HMAC entry', { ...hmac, comment: 'x' }],
    ['a validity date that is not ISO 8601', { ...hmac, notAfter: 'next tuesday' }],
    ['a validity date without an offset', { ...ed25519, notBefore: '2026-11-01 00:00' }],
  ])('refuses %s', (_, entry) => {
    // Act + Assess
    expect(KeyEntry.safeParse(entry).success).toBe(false);
  });
});

describe('ConfiguredPublicKey', () => {
  const { alg: _, ...configured } = ed25519;

  it('accepts a public key bound to its node', () => {
    // Act + Assess
    expect(ConfiguredPublicKey.safeParse(configured).success).toBe(true);
  });

  it.each([
    ['a secret (never in the configuration)', { ...configured, secret: bytes(32) }],
    ['a key id naming another node', { ...configured, kid: 'node2.2026-11' }],
  ])('refuses %s', (_, entry) => {
    // Act + Assess
    expect(ConfiguredPublicKey.safeParse(entry).success).toBe(false);
  });
});

describe('parseKeyStoreRef', () => {
  it.each([
    ['ssm:/routekeeper/dev/keys', { kind: 'ssm', path: '/routekeeper/dev/keys' }],
    ['secretsmanager:routekeeper/keys', { kind: 'secretsmanager', secretId: 'routekeeper/keys' }],
    [
      'secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:rk-AbCdEf',
      {
        kind: 'secretsmanager',
        secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rk-AbCdEf',
      },
    ],
  ])('reads %s', (text, expected) => {
    // Act + Assess
    expect(parseKeyStoreRef(text)).toEqual(expected);
  });

  it.each([
    'ssm:relative/path',
    'xssm:/routekeeper/keys',
    'ssm:/routekeeper/keys extra',
    'secretsmanager:',
    'vault:/routekeeper/keys',
  ])('refuses %j', (text) => {
    // Act + Assess
    expect(parseKeyStoreRef(text)).toBeUndefined();
    expect(KEY_STORE_PATTERN.test(text)).toBe(false);
  });
});
