import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { KeyStoreRef } from '../config/keys';
import type { KeyStore } from '../domain/intake/ports';
import { call } from './call-error';

/**
 * A cluster's verification keys, read with Powertools Parameters (cached for `maxAgeSeconds`; the keyring
 * asks for `forceFetch` when it meets an unknown key id):
 * - `ssm:/path`: every parameter directly below the path is one key entry (JSON; SecureString for HMAC
 *   secrets, decrypted on read);
 * - `secretsmanager:<id>`: one secret whose JSON is `{ "keys": [ entry, ... ] }` (AWSCURRENT).
 * Returns raw entries: checking them is the keyring's business. Values are never logged.
 */
export const makeKeyStore = (
  refs: ReadonlyMap<string, KeyStoreRef>,
  clients: { ssm: SSMClient; secrets: SecretsManagerClient },
  maxAgeSeconds: number,
): KeyStore => {
  const ssm = new SSMProvider({ awsSdkV3Client: clients.ssm });
  const secrets = new SecretsProvider({ awsSdkV3Client: clients.secrets });
  return {
    load: async (cluster, { forceFetch }) => {
      const ref = refs.get(cluster);
      if (ref === undefined) return [];
      if (ref.kind === 'ssm') {
        const values = await call('GetParametersByPath(keys)', () =>
          ssm.getMultiple(ref.path, {
            decrypt: true,
            recursive: false,
            maxAge: maxAgeSeconds,
            forceFetch,
            transform: 'json',
            throwOnTransformError: false,
          }),
        );
        return Object.values(values ?? {}).filter((value) => value !== undefined);
      }
      const document = await call('GetSecretValue(keys)', () =>
        secrets.get(ref.secretId, { maxAge: maxAgeSeconds, forceFetch, transform: 'json' }),
      );
      const keys = (document as { keys?: unknown } | undefined)?.keys;
      return Array.isArray(keys) ? keys : [];
    },
  };
};
