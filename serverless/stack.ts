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

/** CloudFormation logical ids allow only alphanumerics. */
const logicalId = (name: string): string =>
  name
    .split(/[^a-zA-Z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * Alarms that need a Cluster dimension, generated from the configuration: the owner's heartbeat age
 * (missing data = breaching: no heartbeat, no owner, or no drift run all mean nobody vouches for the VIP)
 * and the nodes' clock skew.
 */
export const clusterAlarms = (config: RoutekeeperConfig, stage: string): Record<string, Json> => {
  const period = Math.max(60, schedulePeriodSeconds(config.driftSchedule));
  const alarms: Record<string, Json> = {};
  for (const cluster of config.clusters) {
    const base = (metric: string) => ({
      Namespace: 'Routekeeper',
      MetricName: metric,
      Dimensions: [
        { Name: 'service', Value: 'routekeeper' },
        { Name: 'Cluster', Value: cluster.name },
      ],
      Statistic: 'Maximum',
      Period: period,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
      OKActions: [{ Ref: 'AlarmTopic' }],
    });
    alarms[`HeartbeatMissingAlarm${logicalId(cluster.name)}`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `routekeeper-${stage}-${cluster.name}-heartbeat-missing`,
        AlarmDescription: `No recent heartbeat from the VIP owner of ${cluster.name} (docs/operations.md#heartbeat-missing)`,
        ...base('OwnerHeartbeatAgeSeconds'),
        Threshold: cluster.thresholds.heartbeatMaxAgeSeconds,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        TreatMissingData: 'breaching',
      },
    };
    alarms[`ClockSkewAlarm${logicalId(cluster.name)}`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `routekeeper-${stage}-${cluster.name}-clock-skew`,
        AlarmDescription: `A node of ${cluster.name} has a skewed clock (docs/operations.md#clock-skew)`,
        ...base('NodeClockSkewMs'),
        Threshold: cluster.thresholds.clockSkewMaxMs,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
      },
    };
  }
  return alarms;
};

const metric = (name: string, extra: Record<string, Json> = {}): Json[] => [
  'Routekeeper',
  name,
  'service',
  'routekeeper',
  extra,
];

/** The dashboard: switches, drift findings, heartbeats and rejections, and the plumbing's health. */
export const dashboardBody = (config: RoutekeeperConfig, stage: string): Json => {
  const widget = (title: string, y: number, x: number, metrics: Json[], stat = 'Sum') => ({
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region: `\${AWS::Region}`, stat, period: 60, view: 'timeSeries', metrics },
  });
  const search = (expression: string, label: string, id: string): Json[] => [
    { expression, label, id },
  ];
  const widgets = [
    widget('Route switches', 0, 0, [
      ...['Switched', 'AlreadyInPlace', 'Partial', 'VerifyTimeout', 'Refused', 'SwitchFault'].map(
        (m) => metric(m),
      ),
    ]),
    widget('Drift findings', 0, 12, [
      metric('DriftFindings'),
      metric('DriftCheckFailed'),
      metric('RepairRequested'),
      search(
        "SEARCH('{Routekeeper,Cluster,Vip,service} service=\"routekeeper\"', 'Sum', 60)",
        'by finding, cluster and VIP',
        'findings',
      ),
    ]),
    widget(
      'Heartbeats: owner heartbeat age (s) and clock skew (ms)',
      6,
      0,
      config.clusters.flatMap((c) =>
        ['OwnerHeartbeatAgeSeconds', 'NodeClockSkewMs'].map((name) => [
          'Routekeeper',
          name,
          'service',
          'routekeeper',
          'Cluster',
          c.name,
          { label: `${c.name} ${name}` },
        ]),
      ),
      'Maximum',
    ),
    widget('Rejections', 6, 12, [
      metric('NodeEventRejected'),
      metric('RejectedStale'),
      metric('SplitBrainSuspected'),
    ]),
    widget('Functions and dead letters', 12, 0, [
      ['AWS/Lambda', 'Errors', 'FunctionName', `routekeeper-${stage}-routeSwitch`],
      ['AWS/Lambda', 'Throttles', 'FunctionName', `routekeeper-${stage}-routeSwitch`],
      ['AWS/Lambda', 'Errors', 'FunctionName', `routekeeper-${stage}-drift`],
      ['AWS/Lambda', 'Throttles', 'FunctionName', `routekeeper-${stage}-drift`],
      [
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        'QueueName',
        `routekeeper-${stage}-dlq`,
        { stat: 'Maximum' },
      ],
    ]),
  ];
  return { 'Fn::Sub': JSON.stringify({ widgets }) };
};

export interface StackValues {
  readonly configPath: string;
  readonly region: string;
  readonly routeSwitchStatements: Statement[];
  readonly driftStatements: Statement[];
  readonly driftSchedule: string;
  /** Period of the drift alarms: one schedule period, at least a minute. */
  readonly driftPeriod: number;
  /** Resources merged into the template: per-cluster alarms and the dashboard. */
  readonly generated: { Resources: Record<string, Json> };
}

export interface DeployParams {
  /** Subscribed to the alarm topic when not empty (`--param="alarmEmail=…"`). */
  readonly alarmEmail?: string;
}

const alarmSubscription = (email: string | undefined): Record<string, Json> =>
  email === undefined || email.trim() === ''
    ? {}
    : {
        AlarmEmailSubscription: {
          Type: 'AWS::SNS::Subscription',
          Properties: {
            TopicArn: { Ref: 'AlarmTopic' },
            Protocol: 'email',
            Endpoint: email.trim(),
          },
        },
      };

export const stackValues = (
  stage: string,
  env: NodeJS.ProcessEnv = process.env,
  params: DeployParams = {},
): StackValues => {
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
    generated: {
      Resources: {
        ...clusterAlarms(config, stage),
        ...alarmSubscription(params.alarmEmail),
        Dashboard: {
          Type: 'AWS::CloudWatch::Dashboard',
          Properties: {
            DashboardName: `routekeeper-${stage}`,
            DashboardBody: dashboardBody(config, stage),
          },
        },
      },
    },
  };
};
