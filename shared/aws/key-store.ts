import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { paginateGetParametersByPath, type SSMClient } from '@aws-sdk/client-ssm';
import type { KeyStoreRef } from '../config/keys';
import type { KeyStore } from '../domain/intake/ports';
import { call } from './call-error';

/** Called for each HMAC secret found in a parameter that is not a SecureString (the entry is not trusted). */
export type OnRefusedParameter = (cluster: string, parameter: string) => void;

const parseJson = (text: string | undefined): unknown => {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
};

const isHmacEntry = (entry: unknown): boolean =>
  typeof entry === 'object' && entry !== null && 'secret' in entry;

/**
 * A cluster's verification keys, cached for `maxAgeSeconds` (the keyring asks for `forceFetch` when it meets
 * an unknown key id):
 * - `ssm:/path`: every parameter directly below the path is one key entry (JSON). An HMAC secret must be a
 *   SecureString (decrypted on read): one in a plain String parameter has been readable by anyone with
 *   ssm:GetParameter* and is refused (`onRefused` names the parameter, never the value);
 * - `secretsmanager:<id>`: one secret whose JSON is `{ "keys": [ entry, ... ] }` (AWSCURRENT).
 * Returns raw entries: checking them is the keyring's business. Values are never logged.
 */
export const makeKeyStore = (
  refs: ReadonlyMap<string, KeyStoreRef>,
  clients: { ssm: SSMClient; secrets: SecretsManagerClient },
  maxAgeSeconds: number,
  onRefused: OnRefusedParameter = () => undefined,
): KeyStore => {
  const secrets = new SecretsProvider({ awsSdkV3Client: clients.secrets });
  const cached = new Map<string, { readonly expiresAtMs: number; readonly entries: unknown[] }>();

  const readParameters = async (cluster: string, path: string): Promise<unknown[]> => {
    const entries: unknown[] = [];
    const pages = paginateGetParametersByPath(
      { client: clients.ssm },
      { Path: path, Recursive: false, WithDecryption: true },
    );
    for await (const page of pages) {
      for (const parameter of page.Parameters ?? []) {
        const entry = parseJson(parameter.Value);
        if (entry === undefined) continue;
        if (isHmacEntry(entry) && parameter.Type !== 'SecureString') {
          onRefused(cluster, parameter.Name ?? path);
          continue;
        }
        entries.push(entry);
      }
    }
    return entries;
  };

  return {
    load: async (cluster, { forceFetch }) => {
      const ref = refs.get(cluster);
      if (ref === undefined) return [];
      if (ref.kind === 'ssm') {
        const hit = cached.get(cluster);
        if (!forceFetch && hit !== undefined && hit.expiresAtMs > Date.now()) return hit.entries;
        const entries = await call('GetParametersByPath(keys)', () =>
          readParameters(cluster, ref.path),
        );
        cached.set(cluster, { expiresAtMs: Date.now() + maxAgeSeconds * 1000, entries });
        return entries;
      }
      const document = await call('GetSecretValue(keys)', () =>
        secrets.get(ref.secretId, { maxAge: maxAgeSeconds, forceFetch, transform: 'json' }),
      );
      const keys = (document as { keys?: unknown } | undefined)?.keys;
      return Array.isArray(keys) ? keys : [];
    },
  };
};
