import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  ALG_ED25519,
  ALG_HMAC,
  ED25519_KEY_BYTES,
  fromBase64Url,
  MIN_SECRET_BYTES,
  nodeOfKid,
  PATTERNS,
  toBase64Url,
} from '../../shared/core/lkrc';
import {
  ed25519PrivateKey,
  rawPublicKey,
  type SigningKey,
} from '../../shared/domain/intake/signing';
import { CliError, EXIT } from './exit-codes';

/**
 * A node's own signing keys (docs/lifekeeper-windows.md, "Keys"):
 *   { "keys": [ { "kid": "node1.2026-11", "alg": "v1a", "privateKey": "<base64url 32-byte seed>" },
 *               { "kid": "node1.h2026-11", "alg": "v1",  "secret": "<base64url, >= 32 bytes>" } ] }
 * (a single entry without the `keys` wrapper is accepted too). Every key signs; during a rotation the node
 * holds the old and the new key and routekeeper accepts whichever it trusts.
 */
const bytes = (what: string, check: (length: number) => boolean) =>
  z.string().refine((text) => {
    const decoded = fromBase64Url(text);
    return decoded !== undefined && check(decoded.length);
  }, what);

const validUntil = { notAfter: z.iso.datetime({ offset: true }).optional() };
const NodeKeyEntry = z.discriminatedUnion('alg', [
  z.strictObject({
    kid: z.string().regex(PATTERNS.kid, 'must be <node>.<label>'),
    alg: z.literal(ALG_ED25519),
    privateKey: bytes('must be a 32-byte Ed25519 seed, base64url', (n) => n === ED25519_KEY_BYTES),
    ...validUntil,
  }),
  z.strictObject({
    kid: z.string().regex(PATTERNS.kid, 'must be <node>.<label>'),
    alg: z.literal(ALG_HMAC),
    secret: bytes(
      `must be at least ${MIN_SECRET_BYTES} bytes, base64url`,
      (n) => n >= MIN_SECRET_BYTES,
    ),
    ...validUntil,
  }),
]);
const NodeKeyDocument = z.union([
  z.strictObject({ keys: z.array(NodeKeyEntry).min(1).max(4) }),
  NodeKeyEntry.transform((entry) => ({ keys: [entry] })),
]);

export interface NodeKeys {
  readonly keys: SigningKey[];
  /** For the selftest report: key ids and, for Ed25519 keys, the public key to register (not secret). */
  readonly described: { kid: string; alg: string; publicKey?: string; notAfter?: string }[];
}

/** Parse a key document for `node`; messages never contain key material. */
export const parseNodeKeys = (text: string, node: string, nowMs: number): NodeKeys => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError('the key document is not JSON', EXIT.KEY);
  }
  const parsed = NodeKeyDocument.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new CliError(`the key document is invalid at: ${where}`, EXIT.KEY);
  }
  const current = parsed.data.keys.filter(
    (entry) => entry.notAfter === undefined || Date.parse(entry.notAfter) >= nowMs,
  );
  const foreign = parsed.data.keys.find((entry) => nodeOfKid(entry.kid) !== node);
  if (foreign !== undefined) {
    throw new CliError(`key ${foreign.kid} does not belong to node "${node}"`, EXIT.KEY);
  }
  if (current.length === 0)
    throw new CliError('every key in the key document has expired', EXIT.KEY);
  const keys = current.map((entry): SigningKey => {
    if (entry.alg === ALG_HMAC) {
      return { kid: entry.kid, alg: ALG_HMAC, secret: fromBase64Url(entry.secret) as Buffer };
    }
    return {
      kid: entry.kid,
      alg: ALG_ED25519,
      privateKey: ed25519PrivateKey(fromBase64Url(entry.privateKey) as Buffer),
    };
  });
  return {
    keys,
    described: current.map((entry, index) => {
      const key = keys[index] as SigningKey;
      return {
        kid: entry.kid,
        alg: entry.alg,
        ...(key.alg === ALG_ED25519
          ? { publicKey: toBase64Url(rawPublicKey(key.privateKey)) }
          : {}),
        ...(entry.notAfter === undefined ? {} : { notAfter: entry.notAfter }),
      };
    }),
  };
};

export type KeySource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'secret'; readonly secretId: string };

export const describeKeySource = (source: KeySource): string =>
  source.kind === 'file'
    ? `file ${source.path}`
    : source.kind === 'env'
      ? `environment variable ${source.variable}`
      : `Secrets Manager secret ${source.secretId}`;

/** Read the key document from its source (the secret through the given reader). */
export const readKeyDocument = async (
  source: KeySource,
  env: NodeJS.ProcessEnv,
  readSecret: (secretId: string) => Promise<string>,
): Promise<string> => {
  try {
    if (source.kind === 'file') return readFileSync(source.path, 'utf8');
    if (source.kind === 'env') return env[source.variable] ?? '';
    return await readSecret(source.secretId);
  } catch (error) {
    throw new CliError(
      `cannot read the signing key from ${describeKeySource(source)}: ${(error as Error).message}`,
      EXIT.KEY,
    );
  }
};
