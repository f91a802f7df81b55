import { parseKeyStoreRef } from '../shared/config/keys';
import { CONFIG_ENV, loadConfigFile, stageConfigPath } from '../shared/config/load';
import { ConfigError, type RoutekeeperConfig } from '../shared/config/schema';
import { sourceOf } from '../shared/core/lkrc';
import { DETAIL_TYPE as FAILOVER } from '../shared/events/lifekeeper-failover';
import { DETAIL_TYPE as HEARTBEAT } from '../shared/events/lifekeeper-heartbeat';
import { DETAIL_TYPE as DRIFT_DETECTED } from '../shared/events/route-drift-detected';
import { DETAIL_TYPE as SWITCH_REQUESTED } from '../shared/events/route-switch-requested';
import { COMPLETED, FAILED } from '../shared/events/route-switch-result';
import { ROUTEKEEPER_SOURCE } from '../shared/events/routekeeper-source';

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

const getAtt = (resource: string): Json => ({ 'Fn::GetAtt': [resource, 'Arn'] });

/**
 * PutEvents on the routekeeper bus, as source `routekeeper`, of exactly these detail types. Every PutEvents
 * entry carries both keys; the Null test keeps a request without them from passing ForAllValues vacuously.
 */
const publishOnly = (sid: string, detailTypes: string[]): Statement => ({
  Sid: sid,
  Effect: 'Allow',
  Action: 'events:PutEvents',
  Resource: getAtt('EventBus'),
  Condition: {
    'ForAllValues:StringEquals': {
      'events:source': [ROUTEKEEPER_SOURCE],
      'events:detail-type': detailTypes,
    },
    Null: { 'events:source': 'false', 'events:detail-type': 'false' },
  },
});

/** The configuration file packaged for a stage: ROUTEKEEPER_CONFIG when set, else config/routekeeper.<stage>.json. */
export const configPathFor = (stage: string, env: NodeJS.ProcessEnv = process.env): string =>
  env[CONFIG_ENV] ?? stageConfigPath(stage);

const unique = <T>(values: T[]): T[] => [...new Set(values)];

/** Clusters whose Transit Gateway lives in routekeeper's own account (no `network` role). */
const ownTgwClusters = (config: RoutekeeperConfig) => config.clusters.filter((c) => !c.network);

/**
 * sts:AssumeRole on exactly the configured network roles (config `network.roleArn`): a Transit Gateway of
 * a network account is read and written as that role, whose own policy scopes it (serverless/network-policy.ts).
 */
export const assumeNetworkRoles = (config: RoutekeeperConfig): Statement[] => {
  const roles = unique(config.clusters.flatMap((c) => c.network?.roleArn ?? [])).sort();
  return roles.length === 0
    ? []
    : [
        {
          Sid: 'AssumeNetworkAccountRoles',
          Effect: 'Allow',
          Action: ['sts:AssumeRole'],
          Resource: roles,
        },
      ];
};

/** routeSwitch may rewrite routes only in route tables of the configured VPCs, and TGW routes only in the configured TGW route tables. */
export const routeSwitchStatements = (config: RoutekeeperConfig): Statement[] => {
  const vpcArns = unique(config.clusters.map((c) => c.vpcId)).map((vpc) => arn(`vpc/${vpc}`));
  const tgwRoutes = ownTgwClusters(config).flatMap((c) =>
    c.vips.flatMap((v) => v.transitGatewayRoutes),
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
      Action: ['ec2:DescribeRouteTables', 'ec2:DescribeVpcs', 'ec2:DescribeNetworkInterfaces'],
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
  return [...statements, ...assumeNetworkRoles(config)];
};

/**
 * routeSwitch's tables, bus and dead-letter queue. The fence record is read and moved by conditional updates
 * only (vip-records.ts: GetItem, UpdateItem); a failover's verdict is put for the claimant (PutItem, `verdict#…`); Powertools idempotency needs Get/Put/Update/Delete on its own
 * table. It publishes its results, never a `Route Switch Requested` (that would trigger itself).
 */
export const routeSwitchStateStatements = (): Statement[] => [
  {
    Sid: 'ReadAndMoveFenceRecords',
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    Resource: getAtt('StateTable'),
  },
  {
    // The claimant's answer (claim-verdicts.ts): only `verdict#…` items.
    Sid: 'WriteClaimVerdicts',
    Effect: 'Allow',
    Action: 'dynamodb:PutItem',
    Resource: getAtt('StateTable'),
    // Null: a request without leading keys must not pass the ForAllValues test vacuously.
    Condition: {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['verdict#*'] },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    },
  },
  {
    Sid: 'IdempotencyRecords',
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    Resource: getAtt('IdempotencyTable'),
  },
  publishOnly('PublishOutcomesOnly', [COMPLETED, FAILED]),
  {
    Sid: 'OnFailureDestination',
    Effect: 'Allow',
    Action: 'sqs:SendMessage',
    Resource: getAtt('DeadLetterQueue'),
  },
];

const tgwRouteTables = (config: RoutekeeperConfig): string[] =>
  unique(
    ownTgwClusters(config).flatMap((c) =>
      c.vips.flatMap((v) => v.transitGatewayRoutes.map((r) => r.routeTableId)),
    ),
  );

/**
 * The drift function only reads: the describes it needs (they support no resource-level permissions),
 * the route search on the configured TGW route tables, DX associations, the state table, and it may
 * write only its own observed-target items (`observed#…`), publish findings and, in repair mode, request switches.
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
  if (ownTgwClusters(config).some((c) => c.directConnectGatewayId !== undefined)) {
    statements.push({
      Sid: 'ReadDirectConnectGatewayAssociations',
      Effect: 'Allow',
      Action: ['directconnect:DescribeDirectConnectGatewayAssociations'],
      Resource: '*',
    });
  }
  statements.push(...assumeNetworkRoles(config));
  statements.push(
    {
      Sid: 'ReadStateAndLivenessTables',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
      Resource: [
        { 'Fn::GetAtt': ['StateTable', 'Arn'] },
        { 'Fn::GetAtt': ['LivenessTable', 'Arn'] },
      ],
    },
    {
      Sid: 'WriteOnlyObservedTargetItems',
      Effect: 'Allow',
      Action: ['dynamodb:PutItem'],
      Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['observed#*'] } },
    },
    // Findings always; switch requests only when some cluster repairs (report mode never moves a route).
    config.clusters.some((c) => c.driftMode === 'repair')
      ? publishOnly('PublishFindingsAndRepairs', [DRIFT_DETECTED, SWITCH_REQUESTED])
      : publishOnly('PublishFindings', [DRIFT_DETECTED]),
  );
  return statements;
};

/** Seconds between drift runs, from the rate expression the schema allows. */
export const schedulePeriodSeconds = (schedule: string): number => {
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(schedule);
  if (match === null) throw new Error(`unsupported drift schedule ${schedule}`);
  return Number(match[1]) * (match[2]?.startsWith('hour') ? 3600 : 60);
};

const inAccount = (service: string, resource: string): Json =>
  sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);

/** The heartbeat function: its dedupe and liveness writes, fence reads, switch requests, the dead-letter queue, and exactly the configured key stores. */
export const heartbeatStatements = (config: RoutekeeperConfig): Statement[] => {
  const stores = config.clusters.flatMap((c) => {
    const ref =
      c.signing?.keyStore === undefined ? undefined : parseKeyStoreRef(c.signing.keyStore);
    return ref === undefined ? [] : [ref];
  });
  const parameterPaths = stores.flatMap((ref) => (ref.kind === 'ssm' ? [ref.path.slice(1)] : []));
  const secrets = stores.flatMap((ref) => (ref.kind === 'secretsmanager' ? [ref.secretId] : []));
  const statements: Statement[] = [
    {
      // Powertools idempotency (message-id dedupe): take, complete, release, read.
      Sid: 'DedupeRecords',
      Effect: 'Allow',
      Action: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ],
      Resource: getAtt('DedupeTable'),
    },
    {
      // liveness-table.ts records a heartbeat with one conditional UpdateItem.
      Sid: 'RecordLiveness',
      Effect: 'Allow',
      Action: ['dynamodb:UpdateItem'],
      Resource: getAtt('LivenessTable'),
    },
    {
      Sid: 'ReadFenceRecords',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem'],
      Resource: [getAtt('StateTable')],
    },
    publishOnly('RequestRouteSwitches', [SWITCH_REQUESTED]),
    {
      Sid: 'OnFailureDestination',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: getAtt('DeadLetterQueue'),
    },
  ];
  if (parameterPaths.length > 0) {
    statements.push({
      Sid: 'ReadKeyParameters',
      Effect: 'Allow',
      Action: ['ssm:GetParametersByPath', 'ssm:GetParameters', 'ssm:GetParameter'],
      Resource: parameterPaths.flatMap((path) => [
        inAccount('ssm', `parameter/${path}`),
        inAccount('ssm', `parameter/${path}/*`),
      ]),
    });
  }
  if (secrets.length > 0) {
    statements.push({
      Sid: 'ReadKeySecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      // A name matches its ARN with the 6-character suffix Secrets Manager appends.
      Resource: secrets.map((id) =>
        id.startsWith('arn:') ? id : inAccount('secretsmanager', `secret:${id}-??????`),
      ),
    });
  }
  return statements;
};

/** Roles of routekeeper's own functions, by the names serverless.yml gives them. */
export const functionRoleArns = (stage: string): Json[] =>
  ['routeSwitch', 'heartbeat', 'drift'].map((fn) =>
    sub(
      `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/routekeeper-${stage}-\${AWS::Region}-${fn}`,
    ),
  );

/**
 * Every node with its event source and role. The schema lets roleArn out (local runs need no bus policy), but
 * a deployed node without one would be denied its own source for good: packaging refuses it, naming the node.
 */
export const nodeRoles = (
  config: RoutekeeperConfig,
  origin = 'configuration',
): { source: string; roleArn: string; id: string }[] => {
  const problems: string[] = [];
  const nodes = config.clusters.flatMap((c, ci) =>
    c.nodes.flatMap((n, ni) => {
      const source = sourceOf(c.name, n.name);
      if (n.roleArn !== undefined)
        return [{ source, roleArn: n.roleArn, id: `${c.name}-${n.name}` }];
      problems.push(
        `clusters[${ci}].nodes[${ni}].roleArn: node "${n.name}" of cluster "${c.name}" has no roleArn; the bus lets only that role put ${source} events, so without it every notification of the node is denied`,
      );
      return [];
    }),
  );
  if (problems.length > 0) {
    throw new ConfigError(
      `${origin} cannot be packaged:\n  - ${problems.join('\n  - ')}`,
      problems,
    );
  }
  return nodes;
};

/**
 * The bus resource policy. Same-account principals are allowed by their identity policies, so an Allow here
 * would not restrict them: the explicit Denies do. Each node's source may be put only by that node's role,
 * any other `lifekeeper.*` source by nobody but the node roles, and `routekeeper` only by routekeeper's own
 * function roles. (The signature check stays the last word: a node role can still post its own source.)
 */
export const busPolicy = (
  config: RoutekeeperConfig,
  stage: string,
  origin = 'configuration',
): Json => {
  const bus = inAccount('events', `event-bus/routekeeper-${stage}`);
  const nodes = nodeRoles(config, origin);
  const sid = (text: string) => text.replace(/[^A-Za-z0-9]/g, '');
  const putEvents = { Principal: '*', Action: 'events:PutEvents', Resource: bus };
  const statements: Json[] = [];
  for (const node of nodes) {
    statements.push(
      {
        Sid: sid(`AllowNode${node.id}OwnSource`),
        Effect: 'Allow',
        Principal: { AWS: node.roleArn },
        Action: 'events:PutEvents',
        Resource: bus,
        Condition: {
          'ForAllValues:StringEquals': {
            'events:source': [node.source],
            'events:detail-type': [FAILOVER, HEARTBEAT],
          },
        },
      },
      {
        Sid: sid(`DenyNode${node.id}SourceToOthers`),
        Effect: 'Deny',
        ...putEvents,
        Condition: {
          'ForAnyValue:StringEquals': { 'events:source': [node.source] },
          ArnNotEquals: { 'aws:PrincipalArn': node.roleArn },
        },
      },
    );
  }
  statements.push(
    {
      Sid: 'DenyLifekeeperSourcesToNonNodes',
      Effect: 'Deny',
      ...putEvents,
      Condition: {
        'ForAnyValue:StringLike': { 'events:source': ['lifekeeper.*'] },
        ArnNotEquals: { 'aws:PrincipalArn': nodes.map((n) => n.roleArn) },
      },
    },
    {
      Sid: 'DenyRoutekeeperSourceToOthers',
      Effect: 'Deny',
      ...putEvents,
      Condition: {
        'ForAnyValue:StringEquals': { 'events:source': [ROUTEKEEPER_SOURCE] },
        ArnNotEquals: { 'aws:PrincipalArn': functionRoleArns(stage) },
      },
    },
  );
  return { Version: '2012-10-17', Statement: statements };
};

/** Accepted node clock difference, both directions (the heartbeat function's TIMESTAMP_TOLERANCE_SECONDS). */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

/**
 * How long a node event may wait: EventBridge's retries to reach the heartbeat function, then Lambda's async
 * retries. Together they stay a minute under the tolerance (room for node clock skew and lk-notify's own
 * retries), so a late event is dead-lettered with its reason (EventAgeExceeded) instead of reaching the
 * function only to be rejected TooOld. 60 s is the least either service accepts.
 */
export const NODE_EVENT_MAX_AGE = { ruleSeconds: 60, invokeSeconds: 180 } as const;

export interface StackValues {
  readonly configPath: string;
  readonly region: string;
  readonly routeSwitchStatements: Statement[];
  readonly driftStatements: Statement[];
  readonly driftSchedule: string;
  /** Period of the drift alarms: one schedule period, at least a minute. */
  readonly driftPeriod: number;
  readonly heartbeatStatements: Statement[];
  readonly busPolicy: Json;
  readonly routeSwitchStateStatements: Statement[];
  readonly timestampToleranceSeconds: string;
  readonly nodeEventRuleMaxAgeSeconds: number;
  readonly nodeEventInvokeMaxAgeSeconds: number;
  /** Provisioned concurrency per function on the failover path; 0 = none (no alias, no charge). */
  readonly routeSwitchProvisionedConcurrency: number;
  readonly heartbeatProvisionedConcurrency: number;
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
    heartbeatStatements: heartbeatStatements(config),
    busPolicy: busPolicy(config, stage, `configuration file ${configPath}`),
    routeSwitchStateStatements: routeSwitchStateStatements(),
    timestampToleranceSeconds: String(TIMESTAMP_TOLERANCE_SECONDS),
    nodeEventRuleMaxAgeSeconds: NODE_EVENT_MAX_AGE.ruleSeconds,
    nodeEventInvokeMaxAgeSeconds: NODE_EVENT_MAX_AGE.invokeSeconds,
    routeSwitchProvisionedConcurrency: config.provisionedConcurrency.routeSwitch,
    heartbeatProvisionedConcurrency: config.provisionedConcurrency.heartbeat,
  };
};
