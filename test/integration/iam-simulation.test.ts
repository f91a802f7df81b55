/**
 * The packaged template's IAM, judged by an independent evaluator (@cloud-copilot/iam-simulate): the three
 * function roles' identity policies and the bus resource policy, with every CloudFormation intrinsic resolved
 * for one fixed account and region. Each row of test/support/iam-cases.ts is one request and the decision
 * least privilege demands.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { resolve, type Stack } from '../support/cloudformation';
import {
  ACCOUNT,
  CASES,
  CONFIG_FILE,
  decide,
  FUNCTION_ROLES,
  PLACE,
  type Principals,
  principalsOf,
} from '../support/iam-cases';
import { packagedTemplate } from '../support/package-stack';

type Template = Stack & {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};

describe('IAM of the packaged template, by an independent policy simulator', () => {
  let who: Principals;
  let iamResources: string[];

  beforeAll(() => {
    const { template } = packagedTemplate<Template>({ ROUTEKEEPER_CONFIG: CONFIG_FILE });
    const resolvedProperties = (logicalId: string) =>
      resolve(template, template.Resources[logicalId]?.Properties, PLACE) as Record<
        string,
        unknown
      >;
    iamResources = Object.entries(template.Resources)
      .filter(([, r]) => r.Type.startsWith('AWS::IAM::'))
      .map(([id, r]) => `${id}: ${r.Type}`)
      .sort();
    const rolePolicies = (logicalId: string) => {
      const role = resolvedProperties(logicalId) as {
        RoleName: string;
        Policies: { PolicyName: string; PolicyDocument: unknown }[];
        ManagedPolicyArns?: unknown;
      };
      // A managed policy would grant what this table cannot see.
      if (role.ManagedPolicyArns !== undefined)
        throw new Error(`${logicalId} has managed policies`);
      return {
        arn: `arn:aws:iam::${ACCOUNT}:role/${role.RoleName}`,
        policies: role.Policies.map((p) => ({ name: p.PolicyName, policy: p.PolicyDocument })),
      };
    };
    const roles = Object.fromEntries(
      Object.entries(FUNCTION_ROLES).map(([name, id]) => [name, rolePolicies(id)]),
    ) as Record<keyof typeof FUNCTION_ROLES, ReturnType<typeof rolePolicies>>;
    who = principalsOf(roles, resolvedProperties('EventBus').Policy);
  }, 180_000);

  it('grants through the three function roles and the bus policy only, so the table sees all IAM', () => {
    // Assess
    expect(iamResources).toEqual([
      'DriftRole: AWS::IAM::Role',
      'HeartbeatRole: AWS::IAM::Role',
      'RouteSwitchRole: AWS::IAM::Role',
    ]);
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('$who $action on $resource ($why): $decision', async (request) => {
    // Act
    const decision = await decide(request, who);
    // Assess
    expect(decision).toBe(request.decision);
  });
});
