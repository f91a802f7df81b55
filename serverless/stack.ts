import { CONFIG_ENV, loadConfigFile, stageConfigPath } from '../shared/config/load';
import type { RoutekeeperConfig } from '../shared/config/schema';

/**
 * What serverless.yml derives from the stage's configuration: the region, and the least-privilege IAM
 * statements, built from the configured VPCs and Transit Gateway route tables. Runs at package time;
 * an invalid configuration fails `serverless package` with the same messages as at cold start.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Statement = { [key: string]: Json };

const sub = (text: string): Json => ({ 'Fn::Sub': text });
const arn = (resource: string): Json =>
  sub(`arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${resource}`);

/** The configuration file packaged for a stage: ROUTEKEEPER_CONFIG when set, else config/routekeeper.<stage>.json. */
export const configPathFor = (stage: string, env: NodeJS.ProcessEnv = process.env): string =>
  env[CONFIG_ENV] ?? stageConfigPath(stage);

const unique = <T>(values: T[]): T[] => [...new Set(values)];

/** routeSwitch may rewrite routes only in route tables of the configured VPCs, and TGW routes only in the configured TGW route tables. */
export const routeSwitchStatements = (config: RoutekeeperConfig): Statement[] => {
  const vpcArns = unique(config.clusters.map((c) => c.vpcId)).map((vpc) => arn(`vpc/${vpc}`));
  const tgwRoutes = config.clusters.flatMap((c) =>
    c.vips.flatMap((v) => (v.transitGatewayRoute ? [v.transitGatewayRoute] : [])),
  );
  const statements: Statement[] = [
    {
      Sid: 'WriteVipRoutesOnlyInClusterVpcs',
      Effect: 'Allow',
      Action: ['ec2:ReplaceRoute', 'ec2:CreateRoute'],
      Resource: [arn('route-table/*')],
      Condition: { ArnEquals: { 'ec2:Vpc': vpcArns } },
    },
    {
      Sid: 'ReadRoutesAndVpcs',
      Effect: 'Allow',
      Action: ['ec2:DescribeRouteTables', 'ec2:DescribeVpcs'],
      Resource: '*',
    },
  ];
  if (tgwRoutes.length > 0) {
    const tables = unique(tgwRoutes.map((r) => r.routeTableId)).map((id) =>
      arn(`transit-gateway-route-table/${id}`),
    );
    const attachments = unique(tgwRoutes.map((r) => r.attachmentId)).map((id) =>
      arn(`transit-gateway-attachment/${id}`),
    );
    statements.push(
      {
        Sid: 'WriteVipRouteOnlyInConfiguredTgwRouteTables',
        Effect: 'Allow',
        Action: ['ec2:CreateTransitGatewayRoute', 'ec2:ReplaceTransitGatewayRoute'],
        Resource: [...tables, ...attachments],
      },
      {
        Sid: 'SearchConfiguredTgwRouteTables',
        Effect: 'Allow',
        Action: ['ec2:SearchTransitGatewayRoutes'],
        Resource: tables,
      },
    );
  }
  return statements;
};

const tgwRouteTables = (config: RoutekeeperConfig): string[] =>
  unique(
    config.clusters.flatMap((c) =>
      c.vips.flatMap((v) => v.transitGatewayRoute?.routeTableId ?? []),
    ),
  );

/**
 * The drift function only reads: the describes it needs (they support no resource-level permissions),
 * the route search on the configured TGW route tables, DX associations, the state table, and it may
 * write only its own observed-target items (`observed#…`) and publish on the routekeeper bus.
 */
export const driftStatements = (config: RoutekeeperConfig): Statement[] => {
  const statements: Statement[] = [
    {
      Sid: 'DescribeWhatTheChecksRead',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeVpcs',
        'ec2:DescribeInstances',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeRouteTables',
        'ec2:DescribeSubnets',
        'ec2:DescribeTransitGateways',
        'ec2:DescribeTransitGatewayVpcAttachments',
      ],
      Resource: '*',
    },
  ];
  const tables = tgwRouteTables(config);
  if (tables.length > 0) {
    statements.push({
      Sid: 'SearchConfiguredTgwRouteTables',
      Effect: 'Allow',
      Action: ['ec2:SearchTransitGatewayRoutes'],
      Resource: tables.map((id) => arn(`transit-gateway-route-table/${id}`)),
    });
  }
  if (config.clusters.some((c) => c.directConnectGatewayId !== undefined)) {
    statements.push({
      Sid: 'ReadDirectConnectGatewayAssociations',
      Effect: 'Allow',
      Action: ['directconnect:DescribeDirectConnectGatewayAssociations'],
      Resource: '*',
    });
  }
  statements.push(
    {
      Sid: 'ReadStateTable',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
      Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
    },
    {
      Sid: 'WriteOnlyObservedTargetItems',
      Effect: 'Allow',
      Action: ['dynamodb:PutItem'],
      Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['observed#*'] } },
    },
    {
      Sid: 'PublishFindingsAndRepairs',
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': ['EventBus', 'Arn'] },
    },
  );
  return statements;
};

/** Seconds between drift runs, from the rate expression the schema allows. */
export const schedulePeriodSeconds = (schedule: string): number => {
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(schedule);
  if (match === null) throw new Error(`unsupported drift schedule ${schedule}`);
  return Number(match[1]) * (match[2]?.startsWith('hour') ? 3600 : 60);
};

export interface StackValues {
  readonly configPath: string;
  readonly region: string;
  readonly routeSwitchStatements: Statement[];
  readonly driftStatements: Statement[];
  readonly driftSchedule: string;
  /** Period of the drift alarms: one schedule period, at least a minute. */
  readonly driftPeriod: number;
}

export const stackValues = (stage: string, env: NodeJS.ProcessEnv = process.env): StackValues => {
  const configPath = configPathFor(stage, env);
  const config = loadConfigFile(configPath);
  const region = config.clusters[0]?.region as string;
  return {
    configPath,
    region,
    routeSwitchStatements: routeSwitchStatements(config),
    driftStatements: driftStatements(config),
    driftSchedule: config.driftSchedule,
    driftPeriod: Math.max(60, schedulePeriodSeconds(config.driftSchedule)),
  };
};
