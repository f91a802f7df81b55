import type { RoutekeeperConfig } from '../shared/config/schema';

/**
 * The policies of the role routekeeper assumes in a network account (config `clusters[].network`), built
 * from the configuration like the stack's own statements (serverless/stack.ts): the permissions policy
 * (least privilege: reads, and Transit Gateway route writes only in the configured TGW route tables and
 * to the configured attachments) and the trust policy (routekeeper's routeSwitch and drift roles, plus any
 * operator principals that run `routekeeper doctor`; the external id when one is configured).
 * `npm run network-policy -- --stage <stage> --account <workload account>` prints them.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type PolicyDocument = { Version: '2012-10-17'; Statement: { [key: string]: Json }[] };

export interface NetworkRolePolicies {
  readonly roleArn: string;
  /** The clusters that reach their Transit Gateway through this role. */
  readonly clusters: readonly string[];
  readonly permissions: PolicyDocument;
  readonly trust: PolicyDocument;
}

export interface NetworkPolicyOptions {
  readonly stage: string;
  /** routekeeper's own (workload) account, where its function roles live. */
  readonly workloadAccount: string;
  /** Further principals allowed to assume the role (operators running doctor), by ARN. */
  readonly operators?: readonly string[];
}

const unique = (values: readonly string[]): string[] => [...new Set(values)].sort();

/** `arn:<partition>:iam::<account>:role/<name>` → its partition and account. */
export const roleParts = (roleArn: string) => {
  const match = /^arn:(aws[a-z-]*):iam::(\d{12}):role\//.exec(roleArn);
  if (match === null) throw new Error(`${roleArn} is not an IAM role ARN`);
  return { partition: match[1] as string, account: match[2] as string };
};

/** The policies of every configured network role, one entry per role. */
export const networkRolePolicies = (
  config: RoutekeeperConfig,
  options: NetworkPolicyOptions,
): NetworkRolePolicies[] => {
  const region = config.clusters[0]?.region ?? '';
  const roles = unique(config.clusters.flatMap((c) => c.network?.roleArn ?? []));
  return roles.map((roleArn) => {
    const clusters = config.clusters.filter((c) => c.network?.roleArn === roleArn);
    const { partition, account } = roleParts(roleArn);
    const ec2 = (resource: string) => `arn:${partition}:ec2:${region}:${account}:${resource}`;
    const routes = clusters.flatMap((c) => c.vips.flatMap((v) => v.transitGatewayRoutes));
    const tables = unique(routes.map((r) => r.routeTableId)).map((id) =>
      ec2(`transit-gateway-route-table/${id}`),
    );
    const attachments = unique(routes.map((r) => r.attachmentId)).map((id) =>
      ec2(`transit-gateway-attachment/${id}`),
    );
    const statements: { [key: string]: Json }[] = [
      {
        Sid: 'DescribeTheTransitGatewayAndItsAttachments',
        Effect: 'Allow',
        Action: ['ec2:DescribeTransitGateways', 'ec2:DescribeTransitGatewayVpcAttachments'],
        Resource: '*',
      },
    ];
    if (tables.length > 0) {
      statements.push(
        {
          Sid: 'SearchConfiguredTgwRouteTables',
          Effect: 'Allow',
          Action: ['ec2:SearchTransitGatewayRoutes'],
          Resource: tables,
        },
        {
          Sid: 'WriteVipRouteOnlyInConfiguredTgwRouteTables',
          Effect: 'Allow',
          Action: ['ec2:CreateTransitGatewayRoute', 'ec2:ReplaceTransitGatewayRoute'],
          Resource: [...tables, ...attachments],
        },
      );
    }
    if (clusters.some((c) => c.directConnectGatewayId !== undefined)) {
      statements.push({
        Sid: 'ReadDirectConnectGatewayAssociations',
        Effect: 'Allow',
        Action: ['directconnect:DescribeDirectConnectGatewayAssociations'],
        Resource: '*',
      });
    }
    const externalIds = unique(clusters.flatMap((c) => c.network?.externalId ?? []));
    const functionRoles = ['routeSwitch', 'drift'].map(
      (fn) =>
        `arn:${partition}:iam::${options.workloadAccount}:role/routekeeper-${options.stage}-${region}-${fn}`,
    );
    return {
      roleArn,
      clusters: clusters.map((c) => c.name),
      permissions: { Version: '2012-10-17', Statement: statements },
      trust: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'RoutekeeperMayAssume',
            Effect: 'Allow',
            Principal: { AWS: [...functionRoles, ...unique(options.operators ?? [])] },
            Action: 'sts:AssumeRole',
            ...(externalIds.length === 0
              ? {}
              : { Condition: { StringEquals: { 'sts:ExternalId': externalIds } } }),
          },
        ],
      },
    };
  });
};
