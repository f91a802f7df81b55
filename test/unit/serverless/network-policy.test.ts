import { describe, expect, it } from 'vitest';
import { networkRolePolicies } from '../../../serverless/network-policy';
import { parseConfig } from '../../../shared/config/schema';
import { fixtureConfigInput, ID } from '../../support/guide';

const NETWORK_ROLE = 'arn:aws:iam::222222222222:role/routekeeper-network';
const SECOND_TABLE = 'tgw-rtb-0a1b2c3d4e5f60799';

const config = (network?: { roleArn: string; externalId?: string }) => {
  const raw = structuredClone(fixtureConfigInput()) as unknown as {
    clusters: Record<string, unknown>[];
  };
  const cluster = raw.clusters[0] as Record<string, unknown>;
  if (network !== undefined) cluster.network = network;
  const vip = (cluster.vips as Record<string, unknown>[])[0] as Record<string, unknown>;
  delete vip.transitGatewayRoute;
  vip.transitGatewayRoutes = [
    { routeTableId: ID.tgwTable, attachmentId: ID.attachment },
    { routeTableId: SECOND_TABLE, attachmentId: ID.attachment },
  ];
  return parseConfig(raw);
};

describe('networkRolePolicies (the network account role, printed by npm run network-policy)', () => {
  it('scopes TGW route writes to the configured route tables and attachment, in the role’s account', () => {
    // Act
    const [policies] = networkRolePolicies(config({ roleArn: NETWORK_ROLE }), {
      stage: 'prod',
      workloadAccount: '123456789012',
    });
    // Assess
    const region = config().clusters[0]?.region;
    const arn = (resource: string) => `arn:aws:ec2:${region}:222222222222:${resource}`;
    const statements = policies?.permissions.Statement ?? [];
    const write = statements.find((s) =>
      (s.Action as string[]).includes('ec2:ReplaceTransitGatewayRoute'),
    );
    expect(write?.Resource).toEqual([
      arn(`transit-gateway-route-table/${ID.tgwTable}`),
      arn(`transit-gateway-route-table/${SECOND_TABLE}`),
      arn(`transit-gateway-attachment/${ID.attachment}`),
    ]);
    const search = statements.find((s) =>
      (s.Action as string[]).includes('ec2:SearchTransitGatewayRoutes'),
    );
    expect(search?.Resource).toEqual([
      arn(`transit-gateway-route-table/${ID.tgwTable}`),
      arn(`transit-gateway-route-table/${SECOND_TABLE}`),
    ]);
    // Only the describes (which support no resource scoping) are on '*'.
    expect(statements.filter((s) => s.Resource === '*').flatMap((s) => s.Action)).toEqual([
      'ec2:DescribeTransitGateways',
      'ec2:DescribeTransitGatewayVpcAttachments',
    ]);
  });

  it('trusts routekeeper’s routeSwitch and drift roles and the named operators, with the external id', () => {
    // Act
    const [policies] = networkRolePolicies(config({ roleArn: NETWORK_ROLE, externalId: 'ext-1' }), {
      stage: 'prod',
      workloadAccount: '123456789012',
      operators: ['arn:aws:iam::123456789012:role/ops'],
    });
    // Assess
    const region = config().clusters[0]?.region;
    expect(policies?.trust.Statement).toEqual([
      {
        Sid: 'RoutekeeperMayAssume',
        Effect: 'Allow',
        Principal: {
          AWS: [
            `arn:aws:iam::123456789012:role/routekeeper-prod-${region}-routeSwitch`,
            `arn:aws:iam::123456789012:role/routekeeper-prod-${region}-drift`,
            'arn:aws:iam::123456789012:role/ops',
          ],
        },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': ['ext-1'] } },
      },
    ]);
    expect(policies?.clusters).toEqual([config().clusters[0]?.name]);
  });

  it('prints nothing for a configuration without network roles', () => {
    expect(
      networkRolePolicies(config(), { stage: 'prod', workloadAccount: '123456789012' }),
    ).toEqual([]);
  });
});
