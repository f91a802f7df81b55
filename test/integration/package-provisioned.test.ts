/**
 * `provisionedConcurrency` in the configuration reaches the packaged stack (issue 13): an alias with that
 * many initialised environments per failover function, the EventBridge rules invoking the alias (an
 * unqualified target would start cold environments and bypass them), and a template cfn-lint accepts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packagedTemplate, ROOT, TEMPLATE_FILE } from '../support/package-stack';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Template = { Resources: Record<string, Resource> };

describe('serverless package with provisioned concurrency', () => {
  let outDir: string;
  let template: Template;

  beforeAll(() => {
    const config = JSON.parse(readFileSync(join(ROOT, 'config/routekeeper.dev.json'), 'utf8'));
    config.provisionedConcurrency = { routeSwitch: 1, heartbeat: 1 };
    const path = join(mkdtempSync(join(tmpdir(), 'routekeeper-pc-')), 'routekeeper.json');
    writeFileSync(path, JSON.stringify(config));
    ({ outDir, template } = packagedTemplate<Template>({ ROUTEKEEPER_CONFIG: path }));
  }, 240_000);

  it('keeps one initialised environment on an alias of each failover function, none for drift', () => {
    // Act
    const aliases = Object.entries(template.Resources).filter(
      ([, r]) => r.Type === 'AWS::Lambda::Alias',
    );
    // Assess
    expect(aliases.map(([id]) => id).sort()).toEqual([
      'HeartbeatProvConcLambdaAlias',
      'RouteSwitchProvConcLambdaAlias',
    ]);
    for (const [, alias] of aliases) {
      expect(alias.Properties.ProvisionedConcurrencyConfig).toEqual({
        ProvisionedConcurrentExecutions: 1,
      });
    }
  });

  it('has the EventBridge rules invoke the aliases, so events land on the warm environments', () => {
    // Act
    const targets = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventBusName !== undefined)
      .flatMap((r) => (r.Properties.Targets as { Arn: unknown }[] | undefined) ?? [])
      .map((t) => t.Arn)
      // The function targets (the event log's rule targets its log group).
      .filter((arn) => JSON.stringify(arn).includes('LambdaFunction'));
    // Assess
    expect(targets).toEqual(
      expect.arrayContaining([
        {
          'Fn::Join': [
            ':',
            [{ 'Fn::GetAtt': ['RouteSwitchLambdaFunction', 'Arn'] }, 'provisioned'],
          ],
        },
        {
          'Fn::Join': [':', [{ 'Fn::GetAtt': ['HeartbeatLambdaFunction', 'Arn'] }, 'provisioned']],
        },
      ]),
    );
    expect(targets).toHaveLength(2);
  });

  it('keeps the retries and the dead-letter queue on the alias that is invoked', () => {
    // Act
    const configs = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig')
      .map(
        (r) =>
          r.Properties as {
            FunctionName: { Ref: string };
            Qualifier: string;
            DestinationConfig: { OnFailure?: unknown };
          },
      );
    const of = (fn: string) => configs.find((c) => c.FunctionName.Ref === fn);
    // Assess
    for (const fn of ['RouteSwitchLambdaFunction', 'HeartbeatLambdaFunction']) {
      expect(of(fn)?.Qualifier).toBe('provisioned');
      expect(of(fn)?.DestinationConfig.OnFailure).toBeDefined();
    }
  });

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
});
