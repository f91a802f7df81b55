import { describe, expect, it } from 'vitest';
import { routeSwitchStatements } from '../../../serverless/stack';
import { parseConfig } from '../../../shared/config/schema';
import { fixtureConfigInput } from '../../support/guide';

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
