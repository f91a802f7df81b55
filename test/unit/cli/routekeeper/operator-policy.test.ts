/** `routekeeper operator-policy` through the CLI's main(): prints JSON, or a usage error. */
import { describe, expect, it } from 'vitest';
import { invokeMain } from '../../../support/cli-main';
import { fixtureConfigFile } from '../../../support/guide';

describe('routekeeper operator-policy', () => {
  it('prints the policy for the stage, with the account of the node roles', async () => {
    // Act
    const { code, out } = await invokeMain([
      'operator-policy',
      '--config',
      fixtureConfigFile(),
      '--stage',
      'prod',
    ]);
    // Assess
    expect(code).toBe(0);
    const policy = JSON.parse(out);
    expect(policy.Version).toBe('2012-10-17');
    expect(out).toContain('arn:aws:events:us-east-1:123456789012:event-bus/routekeeper-prod');
    expect(out).toContain('table/routekeeper-prod-state');
    expect(out).toContain('"routekeeper.operator"');
  });

  it.each([
    ['an account that is not 12 digits', ['--account', '12345']],
    ['an unknown option', ['--node', 'node1']],
  ])('%s is a usage error (2)', async (_what, argv) => {
    // Act
    const { code, out, err } = await invokeMain([
      'operator-policy',
      '--config',
      fixtureConfigFile(),
      ...argv,
    ]);
    // Assess
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^routekeeper: /);
  });
});
