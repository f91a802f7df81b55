import { type ClientOptions, makeEc2ReadClient } from './clients';

/**
 * Resolve the SDK's default credential chain once, before a command makes its many calls: without
 * credentials every call fails alike, and the user wants one sentence, not one CredentialsProviderError
 * per check. Returns what is missing, or undefined when credentials were found (valid or not: AWS decides).
 */
export const missingCredentials = async (
  options: ClientOptions = {},
): Promise<string | undefined> => {
  const client = makeEc2ReadClient(options);
  try {
    await client.config.credentials();
    return undefined;
  } catch (error) {
    if ((error as Error).name !== 'CredentialsProviderError') throw error;
    return (
      'no AWS credentials found: set AWS_PROFILE (a profile in ~/.aws), or AWS_ACCESS_KEY_ID and ' +
      'AWS_SECRET_ACCESS_KEY, or run where an instance or task role provides them'
    );
  } finally {
    client.destroy();
  }
};
