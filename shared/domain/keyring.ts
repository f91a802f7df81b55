import { z } from 'zod';
import type { Clock, KeyStore } from './ports';
import {
  ALG_ED25519,
  ALG_HMAC,
  ED25519_KEY_BYTES,
  ed25519PublicKey,
  fromBase64Url,
  MIN_SECRET_BYTES,
  NAME,
  nodeOfKid,
  PATTERNS,
  type TrustedKey,
} from './signing';

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

const epoch = (iso: string | undefined) => (iso === undefined ? {} : { at: Date.parse(iso) });

export const toTrustedKey = (entry: KeyEntry): TrustedKey => {
  const notBefore = epoch(entry.notBefore).at;
  const notAfter = epoch(entry.notAfter).at;
  const limits = {
    ...(notBefore === undefined ? {} : { notBefore }),
    ...(notAfter === undefined ? {} : { notAfter }),
  };
  return entry.alg === ALG_HMAC
    ? {
        kid: entry.kid,
        node: entry.node,
        alg: ALG_HMAC,
        secret: fromBase64Url(entry.secret) as Buffer,
        ...limits,
      }
    : {
        kid: entry.kid,
        node: entry.node,
        alg: ALG_ED25519,
        publicKey: ed25519PublicKey(fromBase64Url(entry.publicKey) as Buffer),
        ...limits,
      };
};

/** Valid entries become trusted keys; an invalid one is dropped and reported by position only (never its material). */
export const parseKeyEntries = (
  raw: readonly unknown[],
): { keys: Map<string, TrustedKey>; invalid: number[] } => {
  const keys = new Map<string, TrustedKey>();
  const invalid: number[] = [];
  raw.forEach((candidate, index) => {
    const parsed = KeyEntry.safeParse(candidate);
    if (!parsed.success || keys.has(parsed.data.kid)) invalid.push(index);
    else keys.set(parsed.data.kid, toTrustedKey(parsed.data));
  });
  return { keys, invalid };
};

export interface KeyringSettings {
  /** At most one forced key-store refresh per cluster within this interval (unknown key ids cannot force more). */
  readonly refreshIntervalMs: number;
}

export interface Keyring {
  /** The trusted keys among the given key ids of a cluster's nodes. */
  lookup(cluster: string, kids: readonly string[]): Promise<Map<string, TrustedKey>>;
}

/**
 * Keys come from the configuration and from the key store (cached by the adapter). When none of a
 * message's key ids is known, the store is read once more, bypassing the cache (a key just added during a
 * rotation), unless this cluster's store was force-read less than `refreshIntervalMs` ago: random key ids
 * cannot turn into a read storm.
 */
export const makeKeyring = (
  configured: (cluster: string) => readonly ConfiguredPublicKey[],
  store: KeyStore,
  now: Clock,
  settings: KeyringSettings,
  onInvalid: (cluster: string, positions: number[]) => void = () => undefined,
): Keyring => {
  const lastForced = new Map<string, number>();
  const load = async (cluster: string, forceFetch: boolean) => {
    const fromConfig = configured(cluster).map((key) => ({ ...key, alg: ALG_ED25519 }));
    const fromStore = await store.load(cluster, { forceFetch });
    const parsed = parseKeyEntries([...fromConfig, ...fromStore]);
    if (parsed.invalid.length > 0) onInvalid(cluster, parsed.invalid);
    return parsed.keys;
  };
  const pick = (keys: Map<string, TrustedKey>, kids: readonly string[]) =>
    new Map(kids.flatMap((kid) => (keys.has(kid) ? [[kid, keys.get(kid) as TrustedKey]] : [])));

  return {
    lookup: async (cluster, kids) => {
      const found = pick(await load(cluster, false), kids);
      if (found.size > 0 || kids.length === 0) return found;
      const at = now().getTime();
      const previous = lastForced.get(cluster);
      if (previous !== undefined && at - previous < settings.refreshIntervalMs) return found;
      lastForced.set(cluster, at);
      return pick(await load(cluster, true), kids);
    },
  };
};

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
