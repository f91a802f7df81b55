import { generateKeyPairSync } from 'node:crypto';

export interface NodeKey {
  readonly kid: string;
  /** The Ed25519 seed, base64url: what the node keeps. */
  readonly privateKey: string;
  /** The raw public key, base64url: what routekeeper trusts. */
  readonly publicKey: string;
}

/** A fresh Ed25519 key per node: the node keeps the private seed, routekeeper trusts the public key. */
export const generateNodeKey = (node: string, label = 'demo'): NodeKey => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'jwk' }).d as string;
  const raw = publicKey.export({ format: 'jwk' }).x as string;
  return { kid: `${node}.${label}`, privateKey: seed, publicKey: raw };
};

/** The key document lk-notify reads (`--key-file`, LK_NOTIFY_KEY). */
export const keyDocument = (key: NodeKey): string =>
  JSON.stringify({ keys: [{ kid: key.kid, alg: 'v1a', privateKey: key.privateKey }] });
