import { z } from 'zod';
import {
  ALG_ED25519,
  ALG_HMAC,
  ED25519_KEY_BYTES,
  fromBase64Url,
  MIN_SECRET_BYTES,
  nodeOfKid,
  PATTERNS,
} from '../core/lkrc';
import { NAME } from '../core/names';

/**
 * The verifier's trust list. One entry per key id, bound to one node (the key id's prefix must name it):
 *   { "kid": "node1.2026-11", "node": "node1", "alg": "v1a", "publicKey": "<base64url, 32 bytes>" }
 *   { "kid": "node1.h2026-11", "node": "node1", "alg": "v1",  "secret": "<base64url, >= 32 bytes>" }
 * with optional ISO `notBefore` / `notAfter`. Entries come from the configuration (public keys only) and
 * from the cluster's key store (SSM parameters under a path, or one Secrets Manager secret).
 */
const base64Url = (what: string, check: (bytes: Buffer) => boolean) =>
  z
    .string()
    .max(2000)
    .refine((text) => {
      const bytes = fromBase64Url(text);
      return bytes !== undefined && check(bytes);
    }, what);

export const PublicKeyText = base64Url(
  'must be a raw Ed25519 public key: 32 bytes, base64url without padding',
  (bytes) => bytes.length === ED25519_KEY_BYTES,
);
const SecretText = base64Url(
  `must be a secret of at least ${MIN_SECRET_BYTES} bytes, base64url without padding`,
  (bytes) => bytes.length >= MIN_SECRET_BYTES && bytes.length <= 1024,
);

const validity = {
  notBefore: z.iso.datetime({ offset: true }).optional(),
  notAfter: z.iso.datetime({ offset: true }).optional(),
};

const kidOfNode = <T extends { kid: string; node: string }>(entry: T) =>
  nodeOfKid(entry.kid) === entry.node;
const KID_MESSAGE = { message: 'the key id must start with "<node>."', path: ['kid'] };

export const KeyEntry = z
  .discriminatedUnion('alg', [
    z.strictObject({
      kid: z.string().regex(PATTERNS.kid),
      node: z.string().regex(NAME),
      alg: z.literal(ALG_ED25519),
      publicKey: PublicKeyText,
      ...validity,
    }),
    z.strictObject({
      kid: z.string().regex(PATTERNS.kid),
      node: z.string().regex(NAME),
      alg: z.literal(ALG_HMAC),
      secret: SecretText,
      ...validity,
    }),
  ])
  .refine(kidOfNode, KID_MESSAGE);
export type KeyEntry = z.output<typeof KeyEntry>;

/** A public key listed in the configuration (never a secret). */
export const ConfiguredPublicKey = z
  .strictObject({
    kid: z.string().regex(PATTERNS.kid),
    node: z.string().regex(NAME),
    publicKey: PublicKeyText,
    ...validity,
  })
  .refine(kidOfNode, KID_MESSAGE);
export type ConfiguredPublicKey = z.output<typeof ConfiguredPublicKey>;

/** Where a cluster's keys are stored: `ssm:/a/path` (one parameter per key below it) or `secretsmanager:<name or ARN>`. */
export const KEY_STORE_PATTERN =
  /^(ssm:(\/[A-Za-z0-9_.-]{1,128}){1,15}|secretsmanager:([A-Za-z0-9/_+=.@-]{1,512}|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}))$/;

export type KeyStoreRef =
  | { readonly kind: 'ssm'; readonly path: string }
  | { readonly kind: 'secretsmanager'; readonly secretId: string };

export const parseKeyStoreRef = (text: string): KeyStoreRef | undefined => {
  if (!KEY_STORE_PATTERN.test(text)) return undefined;
  return text.startsWith('ssm:')
    ? { kind: 'ssm', path: text.slice('ssm:'.length) }
    : { kind: 'secretsmanager', secretId: text.slice('secretsmanager:'.length) };
};
