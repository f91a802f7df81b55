import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as signBytes,
  timingSafeEqual,
  verify as verifyBytes,
} from 'node:crypto';
import {
  type ALG_ED25519,
  ALG_HMAC,
  ED25519_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  fromBase64Url,
  HMAC_BYTES,
  KNOWN_ALGS,
  MAX_TS,
  nodeOfKid,
  PATTERNS,
  parseSource,
  toBase64Url,
} from '../../core/lkrc';

/**
 * "lkrc v1": how a LifeKeeper node signs a notification and how routekeeper checks it (docs/signing.md).
 * EventBridge hands the Lambda a re-parsed `detail`, so the signature covers a canonical string built
 * from strictly validated fields, with the command itself carried as an opaque base64url `body`:
 *
 *   lkrc1\n{source}\n{detail-type}\n{msgId}\n{ts}\n{body}
 *
 * `v1` = HMAC-SHA256 with a per-node secret; `v1a` = Ed25519 (routekeeper holds only public keys).
 * Pure: node:crypto only, no I/O, no clock (callers pass `nowMs`).
 */
export const CANONICAL_PREFIX = 'lkrc1';

export interface SignedFields {
  readonly source: string;
  readonly detailType: string;
  readonly msgId: string;
  /** Seconds since the epoch. */
  readonly ts: number;
  /** base64url of the command's JSON bytes. */
  readonly body: string;
}

export interface Signature {
  readonly kid: string;
  readonly alg: string;
  readonly value: string;
}

/** Names the first field that may not enter a canonical string, or undefined when all are valid. */
export const invalidField = (fields: SignedFields): keyof SignedFields | undefined => {
  if (!PATTERNS.source.test(fields.source)) return 'source';
  if (!PATTERNS.detailType.test(fields.detailType)) return 'detailType';
  if (!PATTERNS.msgId.test(fields.msgId)) return 'msgId';
  if (!Number.isSafeInteger(fields.ts) || fields.ts <= 0 || fields.ts > MAX_TS) return 'ts';
  if (!PATTERNS.body.test(fields.body) || fromBase64Url(fields.body) === undefined) return 'body';
  return undefined;
};

export class SigningInputError extends Error {
  constructor(readonly field: string) {
    super(`cannot sign: field ${field} is not valid for the lkrc v1 canonical string`);
    this.name = 'SigningInputError';
  }
}

/** The exact string both sides sign; throws SigningInputError for a field that fails its pattern. */
export const canonicalString = (fields: SignedFields): string => {
  const bad = invalidField(fields);
  if (bad !== undefined) throw new SigningInputError(bad);
  return [
    CANONICAL_PREFIX,
    fields.source,
    fields.detailType,
    fields.msgId,
    String(fields.ts),
    fields.body,
  ].join('\n');
};

// Ed25519 keys travel as raw 32-byte values (RFC 8032); node:crypto wants DER, so wrap them.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export const ed25519PrivateKey = (seed: Uint8Array): KeyObject => {
  if (seed.length !== ED25519_KEY_BYTES) throw new Error('an Ed25519 private key is 32 bytes');
  return createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
};

export const ed25519PublicKey = (raw: Uint8Array): KeyObject => {
  if (raw.length !== ED25519_KEY_BYTES) throw new Error('an Ed25519 public key is 32 bytes');
  return createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
};

/** The raw 32-byte public key of a private key (what routekeeper's keyring holds). */
export const rawPublicKey = (privateKey: KeyObject): Buffer =>
  createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-ED25519_KEY_BYTES);

/** Key material a node signs with. */
export type SigningKey =
  | { readonly kid: string; readonly alg: typeof ALG_HMAC; readonly secret: Uint8Array }
  | { readonly kid: string; readonly alg: typeof ALG_ED25519; readonly privateKey: KeyObject };

/** A key routekeeper trusts, bound to one node, optionally limited in time (epoch ms, inclusive). */
export type TrustedKey = {
  readonly kid: string;
  readonly node: string;
  readonly notBefore?: number;
  readonly notAfter?: number;
} & (
  | { readonly alg: typeof ALG_HMAC; readonly secret: Uint8Array }
  | { readonly alg: typeof ALG_ED25519; readonly publicKey: KeyObject }
);

const hmac = (secret: Uint8Array, canonical: string): Buffer =>
  createHmac('sha256', secret).update(canonical, 'utf8').digest();

export const signCanonical = (canonical: string, key: SigningKey): Signature => ({
  kid: key.kid,
  alg: key.alg,
  value: toBase64Url(
    key.alg === ALG_HMAC
      ? hmac(key.secret, canonical)
      : signBytes(null, Buffer.from(canonical, 'utf8'), key.privateKey),
  ),
});

/** Sign the fields with every key (several during a rotation). */
export const signFields = (fields: SignedFields, keys: readonly SigningKey[]): Signature[] => {
  const canonical = canonicalString(fields);
  return keys.map((key) => signCanonical(canonical, key));
};

/** Constant-time comparison; unequal lengths are rejected first (timingSafeEqual throws on them). */
export const constantTimeEqual = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && timingSafeEqual(a, b);

/** One signature against one trusted key. Never throws: malformed values simply do not verify. */
export const verifyOne = (canonical: string, signature: Signature, key: TrustedKey): boolean => {
  if (signature.alg !== key.alg || signature.kid !== key.kid) return false;
  const value = fromBase64Url(signature.value);
  if (value === undefined) return false;
  if (key.alg === ALG_HMAC) {
    return value.length === HMAC_BYTES && constantTimeEqual(value, hmac(key.secret, canonical));
  }
  if (value.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return verifyBytes(null, Buffer.from(canonical, 'utf8'), key.publicKey, value);
  } catch {
    return false;
  }
};

export const isKeyValidAt = (key: TrustedKey, nowMs: number): boolean =>
  (key.notBefore === undefined || nowMs >= key.notBefore) &&
  (key.notAfter === undefined || nowMs <= key.notAfter);

/** Signatures whose algorithm this verifier knows; the others are ignored (forward compatibility). */
export const recognisedSignatures = (signatures: readonly Signature[]): Signature[] =>
  signatures.filter((signature) => KNOWN_ALGS.includes(signature.alg));

export type SignatureVerdict =
  | { readonly ok: true; readonly kid: string }
  | {
      readonly ok: false;
      readonly reason: 'UnknownKey' | 'BadSignature' | 'SourceMismatch';
      readonly detail: string;
    };

/**
 * The signature decision, once the keys for the message's key ids have been looked up.
 * Accepted when at least one recognised signature verifies with a trusted key that is valid now and
 * belongs to the node named by the source, by the key id, and by the body (and the body's cluster is the
 * source's). Unknown key ids are UnknownKey only when no recognised signature has a key at all.
 */
export const verifySignatures = (input: {
  readonly fields: SignedFields;
  readonly signatures: readonly Signature[];
  readonly keys: ReadonlyMap<string, TrustedKey>;
  readonly body: { readonly cluster: string; readonly node: string };
  readonly nowMs: number;
}): SignatureVerdict => {
  const source = parseSource(input.fields.source);
  const canonical = canonicalString(input.fields);
  const candidates = recognisedSignatures(input.signatures).flatMap((signature) => {
    const key = input.keys.get(signature.kid);
    return key === undefined ? [] : [{ signature, key }];
  });
  if (candidates.length === 0) {
    return { ok: false, reason: 'UnknownKey', detail: 'no signature names a trusted key id' };
  }
  const verified = candidates
    .filter(({ key }) => isKeyValidAt(key, input.nowMs))
    .filter(({ signature, key }) => verifyOne(canonical, signature, key))
    .map(({ key }) => key);
  if (verified.length === 0) {
    return {
      ok: false,
      reason: 'BadSignature',
      detail: `no signature verifies with a currently valid key (${candidates.length} checked)`,
    };
  }
  const agreeing = verified.find(
    (key) =>
      source !== undefined &&
      key.node === source.node &&
      nodeOfKid(key.kid) === source.node &&
      input.body.node === source.node &&
      input.body.cluster === source.cluster,
  );
  if (agreeing === undefined) {
    const kid = verified[0]?.kid ?? '?';
    return {
      ok: false,
      reason: 'SourceMismatch',
      detail: `key ${kid}, source and body do not name the same cluster and node`,
    };
  }
  return { ok: true, kid: agreeing.kid };
};
