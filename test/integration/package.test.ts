/**
 * The real `serverless package` (osls + serverless-esbuild) as a process, with no AWS credentials, and
 * the generated CloudFormation through the real cfn-lint.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packagedTemplate, packageStack, ROOT, TEMPLATE_FILE } from '../support/package-stack';

type Template = {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};

type AlarmProperties = {
  AlarmName: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Namespace?: string;
  TreatMissingData?: string;
  AlarmActions: unknown[];
  Metrics?: { MetricStat?: { Metric: { MetricName: string } } }[];
};

const alarms = (template: Template) =>
  Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .map((r) => r.Properties as unknown as AlarmProperties);

/** Every metric an alarm watches, plain or inside metric math. */
const watched = (alarm: AlarmProperties): string[] => [
  ...(alarm.MetricName ? [alarm.MetricName] : []),
  ...(alarm.Metrics ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : [])),
];

describe('serverless package', () => {
  let outDir: string;
  let template: Template;

  beforeAll(() => {
    ({ outDir, template } = packagedTemplate<Template>());
  }, 180_000);

  it('produces a template that cfn-lint accepts', () => {
    // Act
    const lint = spawnSync(
      'cfn-lint',
      ['--ignore-checks', 'W3005', '--', join(outDir, TEMPLATE_FILE)],
      { encoding: 'utf8' },
    );
    // Assess
    expect(lint.error, 'cfn-lint must be installed: pip install cfn-lint').toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    expect(lint.status).toBe(0);
  });

  it('lets routeSwitch write routes only in route tables of the configured VPC', () => {
    // Act
    const role = template.Resources.RouteSwitchRole?.Properties as {
      Policies: { PolicyDocument: { Statement: unknown[] } }[];
    };
    const statements = role.Policies.flatMap((p) => p.PolicyDocument.Statement) as Record<
      string,
      unknown
    >[];
    const write = statements.find((s) => JSON.stringify(s.Action).includes('ec2:ReplaceRoute'));
    // Assess
    expect(write).toMatchObject({
      Effect: 'Allow',
      Action: ['ec2:ReplaceRoute', 'ec2:CreateRoute'],
      Condition: {
        ArnEquals: {
          'ec2:Vpc': [{ 'Fn::Sub': expect.stringMatching(/:vpc\/vpc-0a1b2c3d4e5f60718$/) }],
        },
      },
    });
    const tgw = statements.find((s) =>
      JSON.stringify(s.Action).includes('ReplaceTransitGatewayRoute'),
    );
    expect(JSON.stringify(tgw?.Resource)).toContain(
      'transit-gateway-route-table/tgw-rtb-0a1b2c3d4e5f60718',
    );
    expect(JSON.stringify(tgw?.Resource)).not.toContain('"*"');
    const tables = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(tables.map((s) => [s.Resource, s.Action])).toEqual([
      [{ 'Fn::GetAtt': ['StateTable', 'Arn'] }, ['dynamodb:GetItem', 'dynamodb:UpdateItem']],
      // Only `verdict#…` items (the claimant's answer), by the statement's LeadingKeys condition.
      [{ 'Fn::GetAtt': ['StateTable', 'Arn'] }, 'dynamodb:PutItem'],
      [
        { 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] },
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      ],
    ]);
    expect(tables.find((s) => s.Action === 'dynamodb:PutItem')?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['verdict#*'] },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    });
  });

  /** The rule targets and async invoke configurations of one function. */
  const delivery = (functionResource: string) => {
    const resources = Object.values(template.Resources);
    const of = (r: (typeof resources)[number]) =>
      JSON.stringify(r.Properties).includes(`"${functionResource}"`);
    return {
      rules: resources.filter((r) => r.Type === 'AWS::Events::Rule' && of(r)),
      invokeConfigs: resources.filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && of(r)),
    };
  };

  it('dead-letters every undelivered or failed event of routeSwitch and heartbeat', () => {
    for (const fn of ['RouteSwitchLambdaFunction', 'HeartbeatLambdaFunction']) {
      // Act
      const { rules, invokeConfigs } = delivery(fn);
      // Assess
      expect(rules, fn).toHaveLength(1);
      expect(invokeConfigs, fn).toHaveLength(1);
      expect(rules[0]?.Properties.Targets).toEqual([
        expect.objectContaining({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
        }),
      ]);
      expect(invokeConfigs[0]?.Properties).toMatchObject({
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
        },
      });
    }
  });

  it('caps a route switch request at 10 minutes of delivery and retries', () => {
    // Act
    const { rules, invokeConfigs } = delivery('RouteSwitchLambdaFunction');
    // Assess
    expect(rules[0]?.Properties.Targets).toEqual([
      expect.objectContaining({
        RetryPolicy: { MaximumEventAgeInSeconds: 600, MaximumRetryAttempts: 20 },
      }),
    ]);
    expect(invokeConfigs[0]?.Properties).toMatchObject({ MaximumEventAgeInSeconds: 600 });
  });

  it('dead-letters a node event before it is older than the timestamp tolerance, instead of rejecting it TooOld', () => {
    // Prepare
    const environment = template.Resources.HeartbeatLambdaFunction?.Properties.Environment as
      | { Variables: Record<string, string> }
      | undefined;
    const tolerance = Number(environment?.Variables.TIMESTAMP_TOLERANCE_SECONDS);
    // Act
    const { rules, invokeConfigs } = delivery('HeartbeatLambdaFunction');
    const targets = rules[0]?.Properties.Targets as {
      RetryPolicy: { MaximumEventAgeInSeconds: number };
    }[];
    const ruleAge = targets[0]?.RetryPolicy.MaximumEventAgeInSeconds as number;
    const invokeAge = invokeConfigs[0]?.Properties.MaximumEventAgeInSeconds as number;
    // Assess: EventBridge retries first, then Lambda's async queue; together they stay inside the window.
    expect(tolerance).toBe(300);
    expect(ruleAge + invokeAge).toBeLessThanOrEqual(tolerance);
  });

  it('routes every lifekeeper.* node event, and only those, to the heartbeat function', () => {
    // Act
    const patterns = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Events::Rule')
      .map((r) => r.Properties.EventPattern);
    // Assess
    expect(patterns).toContainEqual({
      source: [{ prefix: 'lifekeeper.' }],
      'detail-type': ['LifeKeeper Failover', 'LifeKeeper Heartbeat'],
    });
    expect(patterns).toContainEqual({
      source: ['routekeeper'],
      'detail-type': ['Route Switch Requested'],
    });
  });

  it("logs routekeeper's own events, and no node event (they carry signatures), to a 30-day log group only its rule may write", () => {
    // Act
    const { EventLog, EventLogPolicy, EventLogRule } = template.Resources;
    if (!EventLog || !EventLogPolicy || !EventLogRule)
      throw new Error('no event log in the template');
    const rule = EventLogRule.Properties as {
      Name: string;
      EventPattern: { source: unknown[] };
      Targets: { Arn: { 'Fn::Sub': string } }[];
    };
    const policy = JSON.parse(
      (EventLogPolicy.Properties.PolicyDocument as { 'Fn::Sub': string })['Fn::Sub'],
    ) as {
      Statement: {
        Principal: { Service: string[] };
        Action: string[];
        Condition: { ArnEquals: Record<string, string> };
      }[];
    };
    // Assess
    expect(EventLog.Properties).toEqual({
      LogGroupName: '/aws/events/routekeeper-dev',
      RetentionInDays: 30,
    });
    expect(rule.EventPattern).toEqual({ source: ['routekeeper', 'routekeeper.operator'] });
    expect(rule.Targets.map((t) => t.Arn['Fn::Sub'])).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
      'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${EventLog}',
    ]);
    expect(
      policy.Statement.map((st) => [st.Action, st.Condition.ArnEquals['aws:SourceArn']]),
    ).toEqual([
      [
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/routekeeper-dev/${rule.Name}`,
      ],
    ]);
  });

  it('lets only the configured node roles put lifekeeper events, each only its own source, and only routekeeper put its own', () => {
    // Act
    const policy = template.Resources.EventBus?.Properties.Policy as {
      Statement: {
        Sid: string;
        Effect: string;
        Principal: unknown;
        Condition: Record<string, Record<string, unknown>>;
      }[];
    };
    const bySid = new Map(policy.Statement.map((s) => [s.Sid, s]));
    const node1 = 'arn:aws:iam::123456789012:role/lk-demo-node1';
    const node2 = 'arn:aws:iam::123456789012:role/lk-demo-node2';
    // Assess
    expect(bySid.get('DenyLifekeeperSourcesToNonNodes')).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Condition: {
        'ForAnyValue:StringLike': { 'events:source': ['lifekeeper.*'] },
        ArnNotEquals: { 'aws:PrincipalArn': [node1, node2] },
      },
    });
    expect(bySid.get('DenyNodelkdemonode1SourceToOthers')).toMatchObject({
      Effect: 'Deny',
      Condition: {
        'ForAnyValue:StringEquals': { 'events:source': ['lifekeeper.lk-demo.node1'] },
        ArnNotEquals: { 'aws:PrincipalArn': node1 },
      },
    });
    expect(bySid.get('AllowNodelkdemonode2OwnSource')).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: node2 },
      Condition: { 'ForAllValues:StringEquals': { 'events:source': ['lifekeeper.lk-demo.node2'] } },
    });
    const own = bySid.get('DenyRoutekeeperSourceToOthers');
    expect(own).toMatchObject({
      Effect: 'Deny',
      Condition: { 'ForAnyValue:StringEquals': { 'events:source': ['routekeeper'] } },
    });
    expect(JSON.stringify(own?.Condition.ArnNotEquals)).toMatch(
      /role\/routekeeper-dev-\$\{AWS::Region\}-routeSwitch/,
    );
    expect(JSON.stringify(own?.Condition.ArnNotEquals)).toMatch(
      /role\/routekeeper-dev-\$\{AWS::Region\}-heartbeat/,
    );
  });

  it('gives the heartbeat function its tables, read-only fence records, the bus, and exactly the configured key path', () => {
    // Act
    const role = template.Resources.HeartbeatRole?.Properties as {
      Policies: { PolicyDocument: { Statement: Record<string, unknown>[] } }[];
    };
    const statements = role.Policies.flatMap((p) => p.PolicyDocument.Statement);
    const bySid = new Map(statements.map((s) => [s.Sid, s]));
    // Assess
    expect(bySid.get('DedupeRecords')?.Resource).toEqual({ 'Fn::GetAtt': ['DedupeTable', 'Arn'] });
    expect(bySid.get('RecordLiveness')).toMatchObject({
      Action: ['dynamodb:UpdateItem'],
      Resource: { 'Fn::GetAtt': ['LivenessTable', 'Arn'] },
    });
    expect(bySid.get('ReadFenceRecords')).toMatchObject({
      Action: ['dynamodb:GetItem'],
      Resource: [{ 'Fn::GetAtt': ['StateTable', 'Arn'] }],
    });
    expect(JSON.stringify(bySid.get('ReadKeyParameters')?.Resource)).toContain(
      ':parameter/routekeeper/dev/lk-demo/keys/*',
    );
    expect(JSON.stringify(statements)).not.toContain('ec2:');
  });

  it('declares on-demand tables, with TTL on idempotency and dedupe records', () => {
    // Assess
    expect(template.Resources.DedupeTable?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
    expect(template.Resources.LivenessTable?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
    expect(template.Resources.StateTable?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
    });
    expect(template.Resources.IdempotencyTable?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });
});

describe('serverless package: drift function, alarms and dashboard', () => {
  let template: Template;

  beforeAll(() => {
    ({ template } = packagedTemplate<Template>({}, ['--param', 'alarmEmail=ops@example.com']));
  }, 180_000);

  it('schedules the drift function at the configured rate (default one minute)', () => {
    // Act
    const rule = Object.values(template.Resources).find(
      (r) =>
        r.Type === 'AWS::Events::Rule' &&
        JSON.stringify(r.Properties.Targets).includes('DriftLambdaFunction'),
    );
    // Assess
    expect(rule?.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(template.Resources.DriftLambdaFunction?.Properties).toMatchObject({
      Role: { 'Fn::GetAtt': ['DriftRole', 'Arn'] },
    });
  });

  it('gives the drift function read-only EC2 access, its own state items and the bus only', () => {
    // Act
    const role = template.Resources.DriftRole?.Properties as {
      Policies: { PolicyDocument: { Statement: Record<string, unknown>[] } }[];
    };
    const statements = role.Policies.flatMap((p) => p.PolicyDocument.Statement);
    const actions = statements.flatMap((s) => [s.Action].flat() as string[]);
    // Assess
    expect(
      actions.filter((a) => a.startsWith('ec2:')).every((a) => /^ec2:(Describe|Search)/.test(a)),
    ).toBe(true);
    expect(actions).toContain('events:PutEvents');
    const write = statements.find((s) => JSON.stringify(s.Action).includes('dynamodb:PutItem'));
    expect(write?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['observed#*'] },
    });
  });

  it('declares the alarm topic with the e-mail subscription given as deploy parameter', () => {
    // Act
    const subscription = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::SNS::Subscription',
    ) as { Condition?: string; Properties: unknown } | undefined;
    const parameters = (template as { Parameters?: Record<string, { Default?: string }> })
      .Parameters;
    // Assess
    expect(template.Resources.AlarmTopic?.Type).toBe('AWS::SNS::Topic');
    expect(subscription?.Condition).toBe('HasAlarmEmail');
    expect(subscription?.Properties).toEqual({
      TopicArn: { Ref: 'AlarmTopic' },
      Protocol: 'email',
      Endpoint: { Ref: 'AlarmEmail' },
    });
    expect(parameters?.AlarmEmail?.Default).toBe('ops@example.com');
  });

  it('declares every alarm the issue lists, each notifying the topic', () => {
    // Act
    const all = alarms(template);
    const byMetric = (metric: string) => all.filter((a) => watched(a).includes(metric));
    // Assess
    for (const metric of [
      'DriftFindings',
      'DriftCheckFailed',
      'DriftCheckRan',
      'Partial',
      'VerifyTimeout',
      'SwitchFault',
      'Refused',
      'SplitBrainSuspected',
      'NodeEventRejected',
      'HeartbeatOverdue',
      'ClockSkewExceeded',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Throttles',
    ]) {
      expect(byMetric(metric), metric).not.toHaveLength(0);
    }
    expect(byMetric('Errors')).toHaveLength(3);
    expect(byMetric('Throttles')).toHaveLength(3);
    for (const alarm of all) expect(alarm.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
  });

  it('alarms on the first rejected failover claim', () => {
    // Act
    const claims = alarms(template).filter(
      (a) =>
        a.MetricName === 'NodeEventRejected' &&
        JSON.stringify(a.Dimensions) ===
          JSON.stringify([
            { Name: 'service', Value: 'routekeeper' },
            { Name: 'notification', Value: 'FailoverClaim' },
          ]),
    );
    // Assess
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('treats missing data as breaching for the heartbeat and drift-running alarms', () => {
    // Act
    const all = alarms(template);
    // Assess
    expect(all.find((a) => watched(a).includes('HeartbeatOverdue'))?.TreatMissingData).toBe(
      'breaching',
    );
    expect(all.find((a) => watched(a).includes('DriftCheckRan'))?.TreatMissingData).toBe(
      'breaching',
    );
  });

  it('declares a dashboard with switches, findings, heartbeats, rejections, every function and switch duration', () => {
    // Prepare: the body as CloudWatch gets it, with the stack's names substituted
    const dashboard = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::CloudWatch::Dashboard',
    );
    const sub = dashboard?.Properties.DashboardBody as { 'Fn::Sub': string } | undefined;
    const text = (sub?.['Fn::Sub'] ?? '').replace(
      /\$\{([A-Za-z.:]+)\}/g,
      (_, name: string) => `sub:${name}`,
    );
    // Act
    const body = JSON.parse(text) as {
      widgets: { properties: { title: string; metrics: unknown[][] } }[];
    };
    const metrics = body.widgets.flatMap((w) => w.properties.metrics.map((m) => JSON.stringify(m)));
    // Assess
    expect(body.widgets.map((w) => w.properties.title)).toEqual(
      expect.arrayContaining(['Route switches', 'Drift findings', 'Rejections']),
    );
    for (const fn of ['RouteSwitch', 'Heartbeat', 'Drift']) {
      for (const metric of ['Errors', 'Throttles']) {
        expect(metrics).toContain(
          JSON.stringify(['AWS/Lambda', metric, 'FunctionName', `sub:${fn}LambdaFunction`]),
        );
      }
    }
    for (const stat of ['p50', 'p95']) {
      expect(metrics).toContain(
        JSON.stringify([
          'Routekeeper',
          'SwitchDuration',
          'service',
          'routekeeper',
          { stat, label: stat },
        ]),
      );
    }
  });

  it('traces all three functions with X-Ray, each role allowed to send its segments', () => {
    for (const fn of ['RouteSwitch', 'Heartbeat', 'Drift']) {
      // Act
      const lambda = template.Resources[`${fn}LambdaFunction`]?.Properties as {
        TracingConfig?: unknown;
        Runtime?: string;
        Role: { 'Fn::GetAtt': [string, string] };
      };
      const role = template.Resources[lambda.Role['Fn::GetAtt'][0]]?.Properties as {
        Policies: { PolicyDocument: { Statement: Record<string, unknown>[] } }[];
      };
      const statements = role.Policies.flatMap((p) => p.PolicyDocument.Statement);
      // Assess
      expect(lambda.TracingConfig, fn).toEqual({ Mode: 'Active' });
      expect(lambda.Runtime, fn).toBe('nodejs24.x');
      expect(statements, fn).toContainEqual({
        Effect: 'Allow',
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        Resource: '*',
      });
    }
  });
});

describe('serverless package with a bad configuration', () => {
  it("fails at once with one block naming each bad field, without the framework's stack trace", () => {
    // Prepare: a wrong value, a missing field and a misspelled key
    const dir = mkdtempSync(join(tmpdir(), 'routekeeper-bad-config-'));
    const config = JSON.parse(readFileSync(join(ROOT, 'config/routekeeper.dev.json'), 'utf8'));
    config.clusters[0].vpcId = 'vpc-1';
    delete config.clusters[0].region;
    config.clusters[0].vips[0].routeTabels = config.clusters[0].vips[0].routeTables;
    delete config.clusters[0].vips[0].routeTables;
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify(config));
    // Act
    const result = packageStack(join(dir, 'out'), { ROUTEKEEPER_CONFIG: path });
    // Assess
    expect(result.status).toBe(1);
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toContain(
      `routekeeper: configuration file ${path} is invalid:\n` +
        '  - clusters[0].region: required\n' +
        '  - clusters[0].vpcId: must be a VPC id like vpc-0123456789abcdef0\n' +
        '  - clusters[0].vips[0]: unknown key "routeTabels" (did you mean "routeTables"?)\n' +
        '\nNothing was packaged.\n',
    );
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain('Cannot resolve');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('serverless package with a Transit Gateway in a network account', () => {
  const NETWORK_ROLE = 'arn:aws:iam::210987654321:role/routekeeper-network';
  let outDir: string;
  let template: Template;

  beforeAll(() => {
    // Prepare: the dev configuration with a network role and two TGW route tables for the VIP.
    const dir = mkdtempSync(join(tmpdir(), 'routekeeper-network-config-'));
    const config = JSON.parse(readFileSync(join(ROOT, 'config/routekeeper.dev.json'), 'utf8'));
    const cluster = config.clusters[0];
    cluster.network = { roleArn: NETWORK_ROLE, externalId: 'rk-dev' };
    const vip = cluster.vips[0];
    vip.transitGatewayRoutes = [
      vip.transitGatewayRoute,
      {
        routeTableId: 'tgw-rtb-0a1b2c3d4e5f60799',
        attachmentId: vip.transitGatewayRoute.attachmentId,
      },
    ];
    delete vip.transitGatewayRoute;
    const path = join(dir, 'network.json');
    writeFileSync(path, JSON.stringify(config));
    ({ outDir, template } = packagedTemplate<Template>({ ROUTEKEEPER_CONFIG: path }));
  }, 180_000);

  it('produces a template that cfn-lint accepts', () => {
    // Act
    const lint = spawnSync(
      'cfn-lint',
      ['--ignore-checks', 'W3005', '--', join(outDir, TEMPLATE_FILE)],
      { encoding: 'utf8' },
    );
    // Assess
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    expect(lint.status).toBe(0);
  });

  it.each([
    ['RouteSwitchRole', 'routes'],
    ['DriftRole', 'read-and-report'],
  ])('lets %s assume exactly the network role', (role, policyName) => {
    // Act
    const policies = template.Resources[role]?.Properties.Policies as {
      PolicyName: string;
      PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] };
    }[];
    const statements = policies.find((p) => p.PolicyName === policyName)?.PolicyDocument.Statement;
    // Assess
    const assume = (statements ?? []).filter((s) => [s.Action].flat().includes('sts:AssumeRole'));
    expect(assume.map((s) => s.Resource)).toEqual([[NETWORK_ROLE]]);
  });
});
