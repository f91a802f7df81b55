import { runSimulation } from '@cloud-copilot/iam-simulate';

/**
 * One identity policy judged by an independent evaluator (@cloud-copilot/iam-simulate): the decision for
 * one request of the principal it is attached to, in its account (no resource policy, no SCP).
 */
export const identityPolicyDecider =
  (policy: unknown, principal: string, account: string) =>
  async (
    action: string,
    resource: string,
    context: Record<string, string[]> = {},
  ): Promise<'Allowed' | 'Denied'> => {
    const result = await runSimulation(
      {
        request: {
          principal,
          action,
          resource: { resource, accountId: account },
          contextVariables: context,
        },
        identityPolicies: [{ name: 'policy', policy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
    return result.overallResult === 'Allowed' ? 'Allowed' : 'Denied';
  };
