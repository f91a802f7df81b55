import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeKeyStore } from '../../../../shared/aws/key-store';

const ssm = mockClient(SSMClient);
const PATH = '/routekeeper/dev/lk-prod/keys';
const SECRET = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA';
const PUBLIC_KEY = 'MCowBQYDK2VwAyEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const hmac = (kid: string) => ({ kid, node: 'node1', alg: 'v1', secret: SECRET });
const ed25519 = (kid: string) => ({ kid, node: 'node1', alg: 'v1a', publicKey: PUBLIC_KEY });

beforeEach(() => {
  ssm.reset();
});

const store = (onRefused?: (cluster: string, parameter: string) => void) =>
  makeKeyStore(
    new Map([['lk-prod', { kind: 'ssm', path: PATH }]]),
    { ssm: new SSMClient({}), secrets: new SecretsManagerClient({}) },
    300,
    onRefused,
  );

describe('key store adapter, SSM', () => {
  it('reads HMAC secrets from SecureString parameters and public keys from any parameter', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).resolves({
      Parameters: [
        { Name: `${PATH}/node1.h1`, Type: 'SecureString', Value: JSON.stringify(hmac('node1.h1')) },
        { Name: `${PATH}/node1.k1`, Type: 'String', Value: JSON.stringify(ed25519('node1.k1')) },
      ],
    });
    // Act
    const entries = await store().load('lk-prod', { forceFetch: false });
    // Assess
    expect(entries).toEqual([hmac('node1.h1'), ed25519('node1.k1')]);
  });

  it('refuses an HMAC secret stored as a plain String parameter, naming the parameter', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).resolves({
      Parameters: [
        { Name: `${PATH}/node1.h1`, Type: 'String', Value: JSON.stringify(hmac('node1.h1')) },
        { Name: `${PATH}/node1.h2`, Type: 'SecureString', Value: JSON.stringify(hmac('node1.h2')) },
      ],
    });
    const refused: [string, string][] = [];
    // Act
    const entries = await store((cluster, parameter) => refused.push([cluster, parameter])).load(
      'lk-prod',
      { forceFetch: false },
    );
    // Assess
    expect(entries).toEqual([hmac('node1.h2')]);
    expect(refused).toEqual([['lk-prod', `${PATH}/node1.h1`]]);
  });

  it('reads every page, with decryption, only below the path', async () => {
    // Prepare
    ssm
      .on(GetParametersByPathCommand)
      .resolvesOnce({
        Parameters: [
          { Name: `${PATH}/a`, Type: 'String', Value: JSON.stringify(ed25519('node1.a')) },
        ],
        NextToken: 'page2',
      })
      .resolvesOnce({
        Parameters: [
          { Name: `${PATH}/b`, Type: 'String', Value: JSON.stringify(ed25519('node1.b')) },
        ],
      });
    // Act
    const entries = await store().load('lk-prod', { forceFetch: false });
    // Assess
    expect(entries).toHaveLength(2);
    expect(ssm.commandCalls(GetParametersByPathCommand)[0]?.args[0].input).toMatchObject({
      Path: PATH,
      Recursive: false,
      WithDecryption: true,
    });
  });

  it('serves a second read from its cache unless forced', async () => {
    // Prepare
    ssm.on(GetParametersByPathCommand).resolves({
      Parameters: [
        { Name: `${PATH}/a`, Type: 'String', Value: JSON.stringify(ed25519('node1.a')) },
      ],
    });
    const keys = store();
    // Act
    await keys.load('lk-prod', { forceFetch: false });
    await keys.load('lk-prod', { forceFetch: false });
    await keys.load('lk-prod', { forceFetch: true });
    // Assess
    expect(ssm.commandCalls(GetParametersByPathCommand)).toHaveLength(2);
  });
});
