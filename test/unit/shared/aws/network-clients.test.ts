/**
 * The network account's role (shared/aws/clients.ts: networkRoleCredentials, networkClients): STS
 * AssumeRole through the SDK's provider (aws-sdk-client-mock on the STS client it uses), the EC2 calls
 * signed with the assumed credentials (seen on the wire by a local HTTP server), cached by the client,
 * and a refused AssumeRole turned into a typed error that names the role.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTransitGatewaysCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../../../shared/aws/call-error';
import { networkClients } from '../../../../shared/aws/clients';
import { AwsCallError, NETWORK_ROLE_UNAVAILABLE } from '../../../../shared/core/errors';

const ROLE = 'arn:aws:iam::222222222222:role/routekeeper-network';

/** An EC2 endpoint that answers every DescribeTransitGateways and records the Authorization headers. */
const startEc2 = async () => {
  const authorizations: string[] = [];
  const server: Server = createServer((req, res) => {
    authorizations.push(String(req.headers.authorization ?? ''));
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        '<DescribeTransitGatewaysResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><transitGatewaySet/></DescribeTransitGatewaysResponse>',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

let ec2Server: Awaited<ReturnType<typeof startEc2>>;
const sts = mockClient(STSClient);
beforeEach(async () => {
  sts.reset();
  ec2Server = await startEc2();
});
afterEach(async () => {
  await ec2Server.close();
});

const own = () => {
  const ec2 = new EC2Client({ region: 'us-east-1' });
  return { ec2Read: ec2, ec2Write: ec2 };
};

const describeTgws = (client: EC2Client) =>
  call('DescribeTransitGateways', () => client.send(new DescribeTransitGatewaysCommand({})));

describe('networkClients', () => {
  it('signs Transit Gateway calls with the assumed role’s credentials, assuming it once for many calls', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIANETWORKROLE',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    const network = networkClients(own(), 'routekeeper-drift', {
      endpoint: ec2Server.url,
      region: 'us-east-1',
    });
    // Act
    const clients = network({ roleArn: ROLE, externalId: 'ext-1' });
    await describeTgws(clients.ec2Read);
    await describeTgws(clients.ec2Read);
    // Assess
    expect(ec2Server.authorizations).toHaveLength(2);
    for (const header of ec2Server.authorizations)
      expect(header).toContain('Credential=ASIANETWORKROLE/');
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: ROLE, RoleSessionName: 'routekeeper-drift', ExternalId: 'ext-1' },
    ]);
    expect(network({ roleArn: ROLE, externalId: 'ext-1' })).toBe(clients);
  });

  it('uses routekeeper’s own clients for a cluster without a network role', () => {
    // Prepare
    const mine = own();
    const network = networkClients(mine, 'routekeeper-drift');
    // Act
    const clients = network(undefined);
    // Assess
    expect(clients.ec2Read).toBe(mine.ec2Read);
    expect(clients.role).toBeUndefined();
    expect(sts.commandCalls(AssumeRoleCommand)).toEqual([]);
  });

  it('turns a denied AssumeRole into NetworkRoleUnavailable naming the role, not retryable, with no EC2 call', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'not authorized to perform sts:AssumeRole',
      }),
    );
    const network = networkClients(own(), 'routekeeper-routeSwitch', {
      endpoint: ec2Server.url,
      region: 'us-east-1',
    });
    // Act
    const error = await describeTgws(network({ roleArn: ROLE }).ec2Write).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ code: NETWORK_ROLE_UNAVAILABLE, retryable: false });
    expect((error as Error).message).toMatch(
      new RegExp(`^${NETWORK_ROLE_UNAVAILABLE}: could not assume ${ROLE}: AccessDenied`),
    );
    expect(ec2Server.authorizations).toEqual([]);
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).not.toHaveProperty('ExternalId');
  });

  it('classifies an AssumeRole that STS never answered as retryable', async () => {
    // Prepare
    sts
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    const network = networkClients(own(), 'routekeeper-doctor', {
      endpoint: ec2Server.url,
      region: 'us-east-1',
    });
    // Act
    const error = await describeTgws(network({ roleArn: ROLE }).ec2Read).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Assess
    expect(error).toMatchObject({ code: NETWORK_ROLE_UNAVAILABLE, retryable: true });
  });
});
