import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driftStatements, routeSwitchStatements, stackValues } from '../../../serverless/stack';
import { ConfigError, parseConfig } from '../../../shared/config/schema';
import { fixtureConfigInput } from '../../support/guide';

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

describe('stackValues: provisioned concurrency (issue 13)', () => {
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
