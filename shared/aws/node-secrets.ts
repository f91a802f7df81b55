import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { call } from './call-error';

/** A node's own signing-key secret (the node role may read only its own). The value is never logged. */
export const readSecretString = async (
  client: SecretsManagerClient,
  secretId: string,
): Promise<string> => {
  const output = await call('GetSecretValue', () =>
    client.send(new GetSecretValueCommand({ SecretId: secretId })),
  );
  if (output.SecretString === undefined) {
    throw new Error(`secret ${secretId} has no string value`);
  }
  return output.SecretString;
};
