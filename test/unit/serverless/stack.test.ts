import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  busPolicy,
  configPathFor,
  driftStatements,
  heartbeatStatements,
  NODE_EVENT_MAX_AGE,
  routeSwitchStatements,
  routeSwitchStateStatements,
  type Statement,
  schedulePeriodSeconds,
  stackValues,
  TIMESTAMP_TOLERANCE_SECONDS,
} from '../../../serverless/stack';
import { ConfigError, parseConfig } from '../../../shared/config/schema';
import { fixtureConfigInput, ID } from '../../support/guide';

const valid = fixtureConfigInput();

/** The valid fixture, changed by `change`, written where ROUTEKEEPER_CONFIG can point. */
const configFile = (change: (raw: typeof valid) => void): string => {
  const raw = structuredClone(valid);
  change(raw);
  const path = join(mkdtempSync(join(tmpdir(), 'routekeeper-stack-')), 'config.json');
  writeFileSync(path, JSON.stringify(raw));
  return path;
};

/** What stackValues throws; fails the test when it throws nothing. */
const packagingError = (path: string): unknown => {
  try {
    stackValues('dev', { ROUTEKEEPER_CONFIG: path });
  } catch (error) {
    return error;
  }
  throw new Error('expected packaging to fail, it did not');
};

describe('stackValues (what serverless package derives from the configuration)', () => {
  it('derives the bus policy from a configuration whose nodes all name their role', () => {
    // Prepare
    const path = configFile(() => {});
    // Act
    const values = stackValues('dev', { ROUTEKEEPER_CONFIG: path });
    // Assess
    expect(JSON.stringify(values.busPolicy)).toContain(valid.clusters[0]?.nodes[1]?.roleArn);
  });

  it('refuses to package a node without roleArn, naming the node', () => {
    // Prepare: the bus policy would deny that node its own source for good.
    const path = configFile((raw) => {
      const node = raw.clusters[0]?.nodes[1] as { roleArn?: string };
      delete node.roleArn;
    });
    // Act
    const error = packagingError(path);
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'clusters[0].nodes[1].roleArn: node "node2" of cluster "lk-demo" has no roleArn; the bus lets only that role put lifekeeper.lk-demo.node2 events, so without it every notification of the node is denied',
    ]);
    expect((error as ConfigError).message).toContain(path);
  });
});

describe('driftStatements', () => {
  const publishedDetailTypes = (driftMode: 'report' | 'repair') => {
    const raw = structuredClone(valid);
    (raw.clusters[0] as { driftMode?: string }).driftMode = driftMode;
    const publish = driftStatements(parseConfig(raw)).find((s) => s.Action === 'events:PutEvents');
    const condition = publish?.Condition as
      | Record<string, Record<string, unknown> | undefined>
      | undefined;
    return condition?.['ForAllValues:StringEquals']?.['events:detail-type'];
  };

  it('lets drift publish findings only while every cluster reports', () => {
    // Act
    const detailTypes = publishedDetailTypes('report');
    // Assess
    expect(detailTypes).toEqual(['Route Drift Detected']);
  });

  it('lets drift request route switches when a cluster repairs', () => {
    // Act
    const detailTypes = publishedDetailTypes('repair');
    // Assess
    expect(detailTypes).toEqual(['Route Drift Detected', 'Route Switch Requested']);
  });
});

const vpcArn = (vpc: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:vpc/${vpc}`,
});

describe('routeSwitch IAM statements', () => {
  it('allow route writes only in route tables of the configured VPCs (ec2:Vpc condition)', () => {
    // Prepare
    const config = parseConfig(fixtureConfigInput());
    const vpcs = [...new Set(config.clusters.map((c) => c.vpcId))];
    // Act
    const statements = routeSwitchStatements(config);
    // Assess
    const writes = statements.filter((s) =>
      (s.Action as string[]).some((a) => a === 'ec2:ReplaceRoute' || a === 'ec2:CreateRoute'),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      Effect: 'Allow',
      Action: ['ec2:ReplaceRoute', 'ec2:CreateRoute'],
      Condition: { ArnEquals: { 'ec2:Vpc': vpcs.map(vpcArn) } },
    });
  });

  it('grant no route write without that condition', () => {
    // Prepare
    const config = parseConfig(fixtureConfigInput());
    // Act
    const statements = routeSwitchStatements(config);
    // Assess
    const unconditioned = statements.filter(
      (s) =>
        s.Condition === undefined &&
        (s.Action as string[]).some((a) => /^ec2:(Replace|Create)Route$/.test(a)),
    );
    expect(unconditioned).toEqual([]);
  });
});

describe('schedulePeriodSeconds (the drift alarms period)', () => {
  it.each([
    ['rate(1 minute)', 60],
    ['rate(5 minutes)', 300],
    ['rate(1 hour)', 3600],
    ['rate(2 hours)', 7200],
  ])('reads %s as %i s', (schedule, seconds) => {
    // Act
    const period = schedulePeriodSeconds(schedule);
    // Assess
    expect(period).toBe(seconds);
  });

  it.each(['cron(0/5 * * * ? *)', 'rate(5 days)', 'rate(5 minutes) ', ' rate(5 minutes)'])(
    'refuses %j, naming it',
    (schedule) => {
      // Act + Assess
      expect(() => schedulePeriodSeconds(schedule)).toThrow(
        `unsupported drift schedule ${schedule}`,
      );
    },
  );
});

describe('configPathFor', () => {
  it('packages ROUTEKEEPER_CONFIG when it is set', () => {
    // Act + Assess
    expect(configPathFor('prod', { ROUTEKEEPER_CONFIG: '/etc/rk.json' })).toBe('/etc/rk.json');
  });

  it("packages the stage's file otherwise", () => {
    // Act
    const path = configPathFor('prod', {});
    // Assess
    expect(path).toMatch(/config[/\\]routekeeper\.prod\.json$/);
  });
});

describe('stackValues', () => {
  it('hands serverless.yml the region, schedule, alarm period and the node-event ages', () => {
    // Prepare
    const path = configFile((raw) => {
      (raw as { driftSchedule?: string }).driftSchedule = 'rate(2 minutes)';
    });
    // Act
    const values = stackValues('dev', { ROUTEKEEPER_CONFIG: path });
    // Assess
    expect(values).toMatchObject({
      configPath: path,
      region: valid.clusters[0]?.region,
      driftSchedule: 'rate(2 minutes)',
      driftPeriod: 120,
      timestampToleranceSeconds: '300',
      nodeEventRuleMaxAgeSeconds: 60,
      nodeEventInvokeMaxAgeSeconds: 180,
    });
  });

  it('keeps the node-event ages a minute under the timestamp tolerance', () => {
    // Assess: a late event is dead-lettered (EventAgeExceeded) before the function would reject it TooOld.
    expect(NODE_EVENT_MAX_AGE.ruleSeconds + NODE_EVENT_MAX_AGE.invokeSeconds).toBe(
      TIMESTAMP_TOLERANCE_SECONDS - 60,
    );
  });
});

describe('heartbeatStatements (the key store grant)', () => {
  const keyGrants = (keyStore: string | undefined) => {
    const raw = structuredClone(valid);
    const cluster = raw.clusters[0] as { signing?: { keyStore?: string } };
    cluster.signing = keyStore === undefined ? {} : { keyStore };
    return heartbeatStatements(parseConfig(raw)).filter((s) => String(s.Sid).startsWith('ReadKey'));
  };

  it('grants a secret named by name with the suffix Secrets Manager appends', () => {
    // Act
    const grants = keyGrants('secretsmanager:routekeeper/dev/keys');
    // Assess
    expect(grants).toEqual([
      {
        Sid: 'ReadKeySecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [
          {
            'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:routekeeper/dev/keys-??????`,
          },
        ],
      },
    ]);
  });

  it('grants a secret named by ARN as it is', () => {
    // Prepare
    const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rk-keys-AbCdEf';
    // Act
    const grants = keyGrants(`secretsmanager:${secretArn}`);
    // Assess
    expect(grants.map((g) => g.Resource)).toEqual([[secretArn]]);
  });

  it('grants no key store read when no cluster names one', () => {
    // Act + Assess
    expect(keyGrants(undefined)).toEqual([]);
  });
});

describe('driftStatements (what is configured decides what is granted)', () => {
  it('reads Direct Connect associations only when a cluster names a DX gateway', () => {
    // Prepare
    const raw = fixtureConfigInput();
    const withoutDx = parseConfig(raw);
    (raw.clusters[0] as { directConnectGatewayId?: string }).directConnectGatewayId = ID.dxGateway;
    const withDx = parseConfig(raw);
    const dx = (statements: Statement[]) =>
      statements.filter((s) => JSON.stringify(s.Action).includes('directconnect:'));
    // Act + Assess
    expect(dx(driftStatements(withDx))).toEqual([
      {
        Sid: 'ReadDirectConnectGatewayAssociations',
        Effect: 'Allow',
        Action: ['directconnect:DescribeDirectConnectGatewayAssociations'],
        Resource: '*',
      },
    ]);
    expect(dx(driftStatements(withoutDx))).toEqual([]);
  });

  it('grants no TGW route search, and routeSwitch no TGW write, when no VIP has a TGW route', () => {
    // Prepare
    const raw = fixtureConfigInput();
    const cluster = raw.clusters[0] as {
      vips: { transitGatewayRoute?: unknown }[];
      directConnectGatewayId?: string;
      transitGatewayId?: string;
    };
    for (const vip of cluster.vips) delete vip.transitGatewayRoute;
    const config = parseConfig(raw);
    const tgw = (statements: Statement[]) =>
      statements.filter((s) => JSON.stringify(s.Action).includes('TransitGateway'));
    // Act + Assess
    expect(tgw(driftStatements(config)).map((s) => s.Sid)).toEqual(['DescribeWhatTheChecksRead']);
    expect(tgw(routeSwitchStatements(config))).toEqual([]);
  });
});

describe('a Transit Gateway in a network account (clusters[].network)', () => {
  const NETWORK_ROLE = 'arn:aws:iam::222222222222:role/routekeeper-network';
  const withNetwork = (roleArn = NETWORK_ROLE) => {
    const raw = structuredClone(valid) as unknown as { clusters: Record<string, unknown>[] };
    (raw.clusters[0] as Record<string, unknown>).network = { roleArn, externalId: 'ext-1' };
    (raw.clusters[0] as Record<string, unknown>).directConnectGatewayId =
      '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9';
    return parseConfig(raw);
  };
  const assumeStatements = (statements: { [key: string]: unknown }[]) =>
    statements.filter((s) => (s.Action as string[]).includes('sts:AssumeRole'));
  const actions = (statements: { [key: string]: unknown }[]) =>
    statements.flatMap((s) => s.Action as string[]);

  it.each([
    ['routeSwitch', routeSwitchStatements],
    ['drift', driftStatements],
  ])('lets %s assume exactly the configured role, no wildcard', (_name, build) => {
    // Act
    const statements = build(withNetwork()) as { [key: string]: unknown }[];
    // Assess
    expect(assumeStatements(statements)).toEqual([
      {
        Sid: 'AssumeNetworkAccountRoles',
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: [NETWORK_ROLE],
      },
    ]);
  });

  it.each([
    ['routeSwitch', routeSwitchStatements],
    ['drift', driftStatements],
  ])(
    'grants %s no Transit Gateway route or DX access in its own account for such a cluster',
    (_name, build) => {
      // Act
      const granted = actions(build(withNetwork()) as { [key: string]: unknown }[]);
      // Assess: those calls run as the network role, whose own policy scopes them.
      expect(granted).not.toContain('ec2:SearchTransitGatewayRoutes');
      expect(granted).not.toContain('ec2:CreateTransitGatewayRoute');
      expect(granted).not.toContain('ec2:ReplaceTransitGatewayRoute');
      expect(granted).not.toContain('directconnect:DescribeDirectConnectGatewayAssociations');
    },
  );

  it('grants no sts:AssumeRole without a network role', () => {
    // Act
    const config = parseConfig(structuredClone(valid));
    // Assess
    expect(assumeStatements(routeSwitchStatements(config) as { [key: string]: unknown }[])).toEqual(
      [],
    );
    expect(assumeStatements(driftStatements(config) as { [key: string]: unknown }[])).toEqual([]);
    expect(actions(routeSwitchStatements(config) as { [key: string]: unknown }[])).toContain(
      'ec2:ReplaceTransitGatewayRoute',
    );
  });
});

describe('stackValues: provisioned concurrency', () => {
  it('asks for none by default, so serverless creates no alias and nothing is billed', () => {
    // Prepare
    const path = configFile(() => {});
    // Act
    const values = stackValues('dev', { ROUTEKEEPER_CONFIG: path });
    // Assess
    expect(values.routeSwitchProvisionedConcurrency).toBe(0);
    expect(values.heartbeatProvisionedConcurrency).toBe(0);
  });

  it('passes the configured environments of each failover function to serverless.yml', () => {
    // Prepare
    const path = configFile((raw) => {
      Object.assign(raw, { provisionedConcurrency: { routeSwitch: 2, heartbeat: 1 } });
    });
    // Act
    const values = stackValues('dev', { ROUTEKEEPER_CONFIG: path });
    // Assess
    expect(values.routeSwitchProvisionedConcurrency).toBe(2);
    expect(values.heartbeatProvisionedConcurrency).toBe(1);
  });

  it('refuses a negative or fractional count, naming the field', () => {
    // Prepare
    const path = configFile((raw) => {
      Object.assign(raw, { provisionedConcurrency: { routeSwitch: 1.5 } });
    });
    // Act
    const error = packagingError(path);
    // Assess
    expect((error as ConfigError).problems.join('\n')).toContain(
      'provisionedConcurrency.routeSwitch',
    );
  });
});

describe('statement ids', () => {
  /** Every policy the stack derives, by the name of the role or resource that holds it. */
  const policies = (raw: ReturnType<typeof fixtureConfigInput>) => {
    const config = parseConfig(raw);
    return {
      routeSwitch: [...routeSwitchStatements(config), ...routeSwitchStateStatements()],
      drift: driftStatements(config),
      heartbeat: heartbeatStatements(config),
      bus: (busPolicy(config, 'dev') as { Statement: Statement[] }).Statement,
    };
  };

  it('are present, unique within each policy and alphanumeric, as IAM and EventBridge require', () => {
    // Prepare: a configuration that turns every optional statement on.
    const raw = fixtureConfigInput();
    const cluster = raw.clusters[0] as { driftMode?: string; directConnectGatewayId?: string };
    cluster.driftMode = 'repair';
    cluster.directConnectGatewayId = ID.dxGateway;
    // Act
    const all = policies(raw);
    // Assess
    for (const [holder, statements] of Object.entries(all)) {
      const sids = statements.map((s) => s.Sid);
      expect(
        sids.every((sid) => typeof sid === 'string' && /^[A-Za-z0-9]+$/.test(sid)),
        holder,
      ).toBe(true);
      expect(new Set(sids).size, holder).toBe(sids.length);
    }
  });

  it("name each node's bus statements after the node, without the characters a name may hold", () => {
    // Act
    const sids = policies(fixtureConfigInput()).bus.map((s) => s.Sid);
    // Assess
    expect(sids).toEqual([
      'AllowNodelkdemonode1OwnSource',
      'DenyNodelkdemonode1SourceToOthers',
      'AllowNodelkdemonode2OwnSource',
      'DenyNodelkdemonode2SourceToOthers',
      'DenyLifekeeperSourcesToNonNodes',
      'DenyRoutekeeperSourceToOthers',
    ]);
  });
});
