/** `routekeeper node-policy` through the CLI's main(): prints JSON, or a usage error. */
import { describe, expect, it } from 'vitest';
import { invokeMain } from '../../../support/cli-main';
import { fixtureConfigFile } from '../../../support/guide';

const invoke = (argv: string[]) => invokeMain(argv);

describe('routekeeper node-policy', () => {
  it('prints the policy for a node of the only cluster', async () => {
    // Act
    const { code, out } = await invoke([
      'node-policy',
      '--node',
      'node2',
      '--config',
      fixtureConfigFile(),
      '--stage',
      'prod',
    ]);
    // Assess
    expect(code).toBe(0);
    const policy = JSON.parse(out);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      'PutOwnNodeEvents',
      'ReadVipRoutes',
      'ReadOwnClaimVerdicts',
    ]);
    expect(out).toContain('event-bus/routekeeper-prod');
    expect(out).not.toContain('ReplaceRoute');
  });

  it.each([
    ['no --node', ['node-policy', '--config']],
    ['an unknown node', ['node-policy', '--node', 'node9']],
  ])('%s is a usage error (2)', async (_what, argv) => {
    // Act
    const { code, err } = await invoke([...argv, fixtureConfigFile()]);
    // Assess
    expect(code).toBe(2);
    expect(err).toMatch(/^routekeeper: /);
  });
});
