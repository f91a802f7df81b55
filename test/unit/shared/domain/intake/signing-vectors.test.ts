/**
 * docs/test-vectors.json in both directions: the signer reproduces every body, canonical string and
 * signature byte for byte (and so does lk-notify's composer), and the verifier accepts every vector and
 * rejects every negative with its stated reason. Two outside anchors prove the crypto plumbing itself.
 */
import { describe, expect, it } from 'vitest';
import vectors from '../../../../../docs/test-vectors.json';
import { renderVectors } from '../../../../../scripts/test-vectors';
import { fromBase64Url, toBase64Url } from '../../../../../shared/core/lkrc';
import { composeFailover, composeHeartbeat } from '../../../../../shared/domain/intake/compose';
import {
  canonicalString,
  ed25519PrivateKey,
  rawPublicKey,
  signCanonical,
  signFields,
} from '../../../../../shared/domain/intake/signing';
import { check, checkDeps, eventFromEntry, signingKey } from '../../../../support/lkrc';

describe('crypto plumbing against published vectors', () => {
  it('computes the GitHub webhook HMAC-SHA256 test vector', () => {
    // Prepare
    const key = {
      kid: 'x.y',
      alg: 'v1' as const,
      secret: Buffer.from("It's a Secret to Everybody"),
    };
    // Act
    const signature = signCanonical('Hello, World!', key);
    // Assess
    expect(Buffer.from(signature.value, 'base64url').toString('hex')).toBe(
      '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it('reproduces RFC 8032 Ed25519 test 1 (public key and signature of the empty message)', () => {
    // Prepare
    const seed = Buffer.from(
      '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      'hex',
    );
    // Act
    const privateKey = ed25519PrivateKey(seed);
    const signature = signCanonical('', { kid: 'x.y', alg: 'v1a', privateKey });
    // Assess
    expect(rawPublicKey(privateKey).toString('hex')).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    expect(Buffer.from(signature.value, 'base64url').toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });
});

describe('test vectors, signing direction', () => {
  it('the committed file is exactly what the generator writes', () => {
    // Assess
    expect(JSON.parse(renderVectors())).toEqual(vectors);
  });

  it.each(vectors.vectors)('$name: body, canonical string and signatures match', (vector) => {
    // Prepare
    const { input, expected } = vector;
    const body = toBase64Url(Buffer.from(input.bodyJson, 'utf8'));
    const fields = { ...input, body };
    // Act
    const canonical = canonicalString(fields);
    const signatures = signFields(fields, input.kids.map(signingKey));
    // Assess
    expect(body).toBe(expected.body);
    expect(canonical).toBe(expected.canonical);
    expect(canonical.split('\n')).toEqual([
      'lkrc1',
      input.source,
      input.detailType,
      input.msgId,
      String(input.ts),
      expected.body,
    ]);
    expect(signatures).toEqual(expected.signatures);
  });

  it.each(vectors.keys.filter((key) => key.alg === 'v1a'))(
    'derives the published public key of $kid',
    (key) => {
      // Act
      const derived = rawPublicKey(
        ed25519PrivateKey(fromBase64Url(key.privateKey as string) as Buffer),
      );
      // Assess
      expect(toBase64Url(derived)).toBe((key as { publicKey: string }).publicKey);
    },
  );

  it("lk-notify's composer produces the vectors' entries exactly", () => {
    // Prepare
    const [failover, standby, holding] = vectors.vectors as [
      (typeof vectors.vectors)[0],
      (typeof vectors.vectors)[0],
      (typeof vectors.vectors)[0],
    ];
    // Act
    const composed = [
      composeFailover(
        { cluster: 'lk-demo', node: 'node1' },
        '10.1.0.10',
        { msgId: failover.input.msgId, claimedAt: 1_764_064_800_123 },
        failover.input.kids.map(signingKey),
      ),
      composeHeartbeat(
        { cluster: 'lk-demo', node: 'node2' },
        { vips: [] },
        { msgId: standby.input.msgId, sentAt: 1_764_064_830_500 },
        standby.input.kids.map(signingKey),
      ),
      composeHeartbeat(
        { cluster: 'lk-demo', node: 'node1', instanceId: 'i-0a1b2c3d4e5f60711' },
        { vips: ['10.1.0.10/32'] },
        { msgId: holding.input.msgId, sentAt: 1_764_064_860_001 },
        holding.input.kids.map(signingKey),
      ),
    ];
    // Assess
    expect(composed.map((n) => JSON.stringify(n.detail))).toEqual(
      [failover, standby, holding].map((v) => v.expected.entry.Detail),
    );
  });
});

describe('test vectors, verifying direction', () => {
  it.each(vectors.vectors)('$name: accepted', async (vector) => {
    // Act
    const outcome = await check(
      eventFromEntry(vector.expected.entry),
      checkDeps(vector.input.ts * 1000),
    );
    // Assess
    expect(outcome).toMatchObject({ kind: 'Verified', source: vector.input.source });
  });

  it.each(vectors.negatives)('$name: rejected as $reason', async (negative) => {
    // Act
    const outcome = await check(
      eventFromEntry({
        Source: negative.source,
        DetailType: negative.detailType,
        Detail: negative.detail,
      }),
      checkDeps(negative.verifyAt * 1000),
    );
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: negative.reason });
  });
});
