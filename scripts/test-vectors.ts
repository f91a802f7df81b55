import { readFileSync, writeFileSync } from 'node:fs';
import { fromBase64Url, toBase64Url } from '../shared/core/lkrc';
import {
  canonicalString,
  ed25519PrivateKey,
  rawPublicKey,
  type SigningKey,
  signFields,
} from '../shared/domain/intake/signing';

/**
 * Writes docs/test-vectors.json: fixed keys and messages → the exact body, canonical string and signatures
 * of lkrc v1. `npm run vectors` regenerates it; test/unit/shared/domain/intake/signing-vectors.test.ts checks it both ways.
 * Ed25519 seeds are RFC 8032 §7.1 tests 1 and 2, so any Ed25519 library can confirm the public keys.
 */
export const VECTORS_PATH = 'docs/test-vectors.json';

const hex = (text: string) => Buffer.from(text, 'hex');
export const VECTOR_KEYS = [
  {
    kid: 'node1.2026-11',
    node: 'node1',
    alg: 'v1a',
    privateKey: toBase64Url(
      hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'),
    ),
  },
  {
    kid: 'node1.h2026-11',
    node: 'node1',
    alg: 'v1',
    secret: toBase64Url(Buffer.from(Array.from({ length: 32 }, (_, i) => i))),
  },
  {
    kid: 'node2.2026-11',
    node: 'node2',
    alg: 'v1a',
    privateKey: toBase64Url(
      hex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb'),
    ),
  },
] as const;

export const signingKey = (kid: string): SigningKey => {
  const key = VECTOR_KEYS.find((k) => k.kid === kid);
  if (key === undefined) throw new Error(`no vector key ${kid}`);
  return key.alg === 'v1'
    ? { kid, alg: 'v1', secret: fromBase64Url(key.secret) as Buffer }
    : { kid, alg: 'v1a', privateKey: ed25519PrivateKey(fromBase64Url(key.privateKey) as Buffer) };
};

const MESSAGES = [
  {
    name: 'failover claim by node1, signed with its Ed25519 and its HMAC key',
    source: 'lifekeeper.lk-demo.node1',
    detailType: 'LifeKeeper Failover',
    msgId: '01JD3Q7Z8W4K2N6V9X0T5R1M3B',
    ts: 1764064800,
    bodyJson:
      '{"type":"failover","cluster":"lk-demo","node":"node1","msgId":"01JD3Q7Z8W4K2N6V9X0T5R1M3B","ts":1764064800,"vip":"10.1.0.10","claimedAt":1764064800123}',
    kids: ['node1.2026-11', 'node1.h2026-11'],
  },
  {
    name: 'heartbeat of node2 on standby (no VIP held), Ed25519',
    source: 'lifekeeper.lk-demo.node2',
    detailType: 'LifeKeeper Heartbeat',
    msgId: 'a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f607',
    ts: 1764064830,
    bodyJson:
      '{"type":"heartbeat","cluster":"lk-demo","node":"node2","msgId":"a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f607","ts":1764064830,"sentAt":1764064830500,"vips":[]}',
    kids: ['node2.2026-11'],
  },
  {
    name: 'heartbeat of node1 holding the VIP, HMAC only',
    source: 'lifekeeper.lk-demo.node1',
    detailType: 'LifeKeeper Heartbeat',
    msgId: 'hb-node1-000000000001',
    ts: 1764064860,
    bodyJson:
      '{"type":"heartbeat","cluster":"lk-demo","node":"node1","msgId":"hb-node1-000000000001","ts":1764064860,"sentAt":1764064860001,"vips":["10.1.0.10"],"instanceId":"i-0a1b2c3d4e5f60711"}',
    kids: ['node1.h2026-11'],
  },
];

export const renderVectors = (): string => {
  const vectors = MESSAGES.map(({ kids, bodyJson, name, ...message }) => {
    const body = toBase64Url(Buffer.from(bodyJson, 'utf8'));
    const fields = { ...message, body };
    const signatures = signFields(fields, kids.map(signingKey));
    return {
      name,
      input: { ...message, bodyJson, kids },
      expected: {
        body,
        canonical: canonicalString(fields),
        signatures,
        entry: {
          Source: message.source,
          DetailType: message.detailType,
          Detail: JSON.stringify({
            lkrc: '1',
            msgId: message.msgId,
            ts: message.ts,
            body,
            sig: signatures,
          }),
        },
      },
    };
  });
  const first = vectors[0] as (typeof vectors)[number];
  const detail = JSON.parse(first.expected.entry.Detail);
  const tampered = toBase64Url(
    Buffer.from(first.input.bodyJson.replace('"10.1.0.10"', '"10.1.0.11"')),
  );
  // node1's valid key over a message that claims to come from node2.
  const impostorBody = toBase64Url(
    Buffer.from(
      '{"type":"failover","cluster":"lk-demo","node":"node2","msgId":"impostor-0000000001","ts":1764064800,"vip":"10.1.0.10","claimedAt":1764064800000}',
    ),
  );
  const impostorFields = {
    source: 'lifekeeper.lk-demo.node2',
    detailType: 'LifeKeeper Failover',
    msgId: 'impostor-0000000001',
    ts: 1764064800,
    body: impostorBody,
  };
  const negatives = [
    {
      name: 'body re-encoded with another VIP, signatures kept',
      source: first.input.source,
      detailType: first.input.detailType,
      detail: JSON.stringify({ ...detail, body: tampered }),
      verifyAt: first.input.ts,
      reason: 'BadSignature',
    },
    {
      name: "node1's valid key on a message from node2",
      ...impostorFields,
      detail: JSON.stringify({
        lkrc: '1',
        msgId: impostorFields.msgId,
        ts: impostorFields.ts,
        body: impostorBody,
        sig: signFields(impostorFields, [signingKey('node1.2026-11')]),
      }),
      verifyAt: impostorFields.ts,
      reason: 'SourceMismatch',
    },
    {
      name: 'scheme version 2',
      source: first.input.source,
      detailType: first.input.detailType,
      detail: JSON.stringify({ ...detail, lkrc: '2' }),
      verifyAt: first.input.ts,
      reason: 'BadVersion',
    },
    {
      name: 'verified 301 s after it was signed',
      source: first.input.source,
      detailType: first.input.detailType,
      detail: first.expected.entry.Detail,
      verifyAt: first.input.ts + 301,
      reason: 'TooOld',
    },
  ].map(
    ({ msgId: _msgId, ts: _ts, body: _body, ...negative }: Record<string, unknown>) => negative,
  );
  const keys = VECTOR_KEYS.map((key) =>
    key.alg === 'v1a'
      ? {
          ...key,
          publicKey: toBase64Url(
            rawPublicKey(ed25519PrivateKey(fromBase64Url(key.privateKey) as Buffer)),
          ),
        }
      : key,
  );
  return `${JSON.stringify(
    {
      description:
        'lkrc v1 test vectors (docs/signing.md). Base64url without padding everywhere; secrets and seeds are test-only.',
      cluster: 'lk-demo',
      toleranceSeconds: 300,
      keys,
      vectors,
      negatives,
    },
    null,
    2,
  )}\n`;
};

if (require.main === module) {
  const rendered = renderVectors();
  if (process.argv.includes('--check')) {
    if (readFileSync(VECTORS_PATH, 'utf8') !== rendered) {
      console.error(`${VECTORS_PATH} is out of date: run npm run vectors`);
      process.exit(1);
    }
    console.log(`${VECTORS_PATH} is up to date`);
  } else {
    writeFileSync(VECTORS_PATH, rendered);
    console.log(`wrote ${VECTORS_PATH}`);
  }
}
