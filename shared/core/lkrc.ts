import { NAME_PART } from './names';

/**
 * The wire vocabulary of lkrc v1 (docs/signing.md) that contracts, configuration and signing share:
 * algorithms, key sizes, field patterns, base64url and the node source. Pure, no I/O.
 */
export const ALG_HMAC = 'v1';
export const ALG_ED25519 = 'v1a';
export type Alg = typeof ALG_HMAC | typeof ALG_ED25519;
export const KNOWN_ALGS: readonly string[] = [ALG_HMAC, ALG_ED25519];

/** Every field of the canonical string is checked against these before it is joined (whole-string matches). */
export const PATTERNS = {
  source: new RegExp(`^lifekeeper\\.(${NAME_PART})\\.(${NAME_PART})$`),
  detailType: /^[A-Za-z][A-Za-z0-9 ]{0,62}[A-Za-z0-9]$/,
  msgId: /^[A-Za-z0-9_-]{16,64}$/,
  body: /^[A-Za-z0-9_-]{2,8192}$/,
  /** `<node>.<label>`: a key id names the node it belongs to. */
  kid: new RegExp(`^(${NAME_PART})\\.([A-Za-z0-9_-]{1,32})$`),
  alg: /^[a-z0-9]{1,16}$/,
  value: /^[A-Za-z0-9_-]{1,256}$/,
} as const;
/** Seconds since the epoch: a positive integer below 10^11, written in decimal without leading zeros. */
export const MAX_TS = 99_999_999_999;

export const HMAC_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
export const ED25519_KEY_BYTES = 32;
export const MIN_SECRET_BYTES = 32;

/** base64url without padding (RFC 4648 §5). */
export const toBase64Url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/**
 * Strict decoding: only the URL-safe alphabet, no padding, and the text must be the canonical encoding of
 * the bytes (Node's decoder silently ignores stray characters and non-zero trailing bits).
 */
export const fromBase64Url = (text: string): Buffer | undefined => {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
};

/** `lifekeeper.<cluster>.<node>` → its parts. */
export const parseSource = (source: string): { cluster: string; node: string } | undefined => {
  const match = PATTERNS.source.exec(source);
  return match?.[1] !== undefined && match[2] !== undefined
    ? { cluster: match[1], node: match[2] }
    : undefined;
};

export const sourceOf = (cluster: string, node: string): string => `lifekeeper.${cluster}.${node}`;

/** The node a key id names (`node1.2026-11` → `node1`). */
export const nodeOfKid = (kid: string): string | undefined => PATTERNS.kid.exec(kid)?.[1];
