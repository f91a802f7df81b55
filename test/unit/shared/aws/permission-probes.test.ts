/**
 * DryRun permission probes (doctor's check 10). moto ignores DryRun and runs the call, so EC2's answers
 * are mocked here: DryRunOperation = allowed, UnauthorizedOperation = missing permission.
 */
import {
  EC2Client,
  ReplaceRouteCommand,
  ReplaceTransitGatewayRouteCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeProbeRoutes } from '../../../../shared/aws/permission-probes';
import type { ProbePlan } from '../../../../shared/domain/checks/doctor';
import { ok } from '../../../../shared/domain/checks/snapshot';
import {
  accountConfig,
  checkAccount,
  findings,
  healthyAccount,
  ID,
} from '../../../support/account';

const ec2Error = (name: string, status: number) =>
  Object.assign(new Error(`${name} answer`), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
  });

const plans: ProbePlan[] = [
  {
    cluster: 'lk-demo',
    vip: ID.vip,
    action: 'ReplaceRoute',
    resource: ID.table1,
    destination: `${ID.vip}/32`,
    target: ID.node1.eni,
  },
  {
    cluster: 'lk-demo',
    vip: ID.vip,
    action: 'ReplaceTransitGatewayRoute',
    resource: ID.tgwTable,
    destination: `${ID.vip}/32`,
    target: ID.attachment,
  },
];

describe('DryRun permission probes', () => {
  const ec2 = mockClient(EC2Client);
  beforeEach(() => ec2.reset());

  const probe = () =>
    makeProbeRoutes(new EC2Client({ region: 'us-east-1', maxAttempts: 1 }))(plans);

  it('reports allowed when EC2 answers DryRunOperation, and sends DryRun=true', async () => {
    // Prepare
    ec2.on(ReplaceRouteCommand).rejects(ec2Error('DryRunOperation', 412));
    ec2.on(ReplaceTransitGatewayRouteCommand).rejects(ec2Error('DryRunOperation', 412));
    // Act
    const probes = await probe();
    // Assess
    expect(probes.map((p) => p.verdict)).toEqual(['allowed', 'allowed']);
    expect(ec2.commandCalls(ReplaceRouteCommand)[0]?.args[0].input).toMatchObject({
      DryRun: true,
      RouteTableId: ID.table1,
      NetworkInterfaceId: ID.node1.eni,
    });
    expect(ec2.commandCalls(ReplaceTransitGatewayRouteCommand)[0]?.args[0].input).toMatchObject({
      DryRun: true,
      TransitGatewayAttachmentId: ID.attachment,
    });
  });

  it('turns UnauthorizedOperation into a PermissionMissing failure', async () => {
    // Prepare
    ec2.on(ReplaceRouteCommand).rejects(ec2Error('UnauthorizedOperation', 403));
    ec2.on(ReplaceTransitGatewayRouteCommand).rejects(ec2Error('DryRunOperation', 412));
    // Act
    const probes = await probe();
    const report = await checkAccount(healthyAccount(), accountConfig(), undefined, ok(probes));
    // Assess
    expect(findings(report)).toEqual(['routekeeper.permissions PermissionMissing fail']);
    expect(report.results.filter((r) => r.check === 'routekeeper.permissions')).toHaveLength(2);
  });

  it('reports a call that succeeded despite DryRun as unknown, never as allowed', async () => {
    // Prepare
    ec2.on(ReplaceRouteCommand).resolves({});
    ec2.on(ReplaceTransitGatewayRouteCommand).rejects(ec2Error('InternalError', 500));
    // Act
    const probes = await probe();
    const report = await checkAccount(healthyAccount(), accountConfig(), undefined, ok(probes));
    // Assess
    expect(findings(report)).toEqual([
      'routekeeper.permissions DryRunIgnored unknown',
      'routekeeper.permissions ProbeFailed unknown',
    ]);
  });

  it('reports a call the endpoint does not implement (an HTML answer) as not emulated, not as a missing permission', async () => {
    // Prepare: what the SDK throws for moto's HTML error page
    ec2.on(ReplaceRouteCommand).rejects(ec2Error('DryRunOperation', 412));
    ec2
      .on(ReplaceTransitGatewayRouteCommand)
      .rejects(
        Object.assign(
          new Error(
            '@aws-sdk XML parse error: mismatched tags <html> and </title>.\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
          ),
          { $metadata: { httpStatusCode: 500 } },
        ),
      );
    // Act
    const probes = await probe();
    const report = await checkAccount(healthyAccount(), accountConfig(), undefined, ok(probes));
    // Assess
    expect(probes.map((p) => p.verdict)).toEqual(['allowed', 'unsupported']);
    expect(findings(report)).toEqual(['routekeeper.permissions ProbeNotEmulated unknown']);
    const result = report.results.find((r) => r.code === 'ProbeNotEmulated');
    expect(result?.evidence).toContain('not emulated');
    expect(result?.fix).toBe('Run doctor against real AWS to probe ec2:ReplaceTransitGatewayRoute');
    expect(result?.fix).not.toMatch(/grant|allow/i);
  });
});

describe('DryRun probes of a Transit Gateway in a network account', () => {
  const ec2 = mockClient(EC2Client);
  beforeEach(() => ec2.reset());

  it('probes TGW route tables with the network role’s client and VPC tables with routekeeper’s own', async () => {
    // Prepare: the mock answers every client; which client sent which call is what matters.
    ec2.on(ReplaceRouteCommand).rejects(ec2Error('DryRunOperation', 412));
    ec2.on(ReplaceTransitGatewayRouteCommand).rejects(ec2Error('DryRunOperation', 412));
    const own = new EC2Client({ region: 'us-east-1', maxAttempts: 1 });
    const network = new EC2Client({ region: 'us-east-1', maxAttempts: 1 });
    const asked: string[] = [];
    // Act
    const results = await makeProbeRoutes(own, (routeTableId) => {
      asked.push(routeTableId);
      return network;
    })(plans);
    // Assess
    expect(results.map((r) => r.verdict)).toEqual(['allowed', 'allowed']);
    expect(asked).toEqual([ID.tgwTable]);
    expect(ec2.commandCalls(ReplaceRouteCommand)[0]?.thisValue).toBe(own);
    expect(ec2.commandCalls(ReplaceTransitGatewayRouteCommand)[0]?.thisValue).toBe(network);
  });
});
