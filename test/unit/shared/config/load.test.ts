import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configBase, loadConfigFromEnv } from '../../../../shared/config/load';
import { ConfigError } from '../../../../shared/config/schema';
import { fixtureConfigInput } from '../../../support/guide';

describe('loadConfigFromEnv', () => {
  it('resolves a relative ROUTEKEEPER_CONFIG against the task root in Lambda', () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'task-root-'));
    writeFileSync(join(root, 'routekeeper.json'), JSON.stringify(fixtureConfigInput()));
    // Act
    const config = loadConfigFromEnv({
      ROUTEKEEPER_CONFIG: 'routekeeper.json',
      LAMBDA_TASK_ROOT: root,
    });
    // Assess
    expect(config.clusters).toHaveLength(1);
  });

  it('resolves it against the directory invoke local was started in (the project), not its fake /var/task', () => {
    // Prepare
    const dir = mkdtempSync(join(process.cwd(), '.routekeeper-load-test-'));
    writeFileSync(join(dir, 'routekeeper.json'), JSON.stringify(fixtureConfigInput()));
    const path = relative(process.cwd(), join(dir, 'routekeeper.json'));
    const env = {
      ROUTEKEEPER_CONFIG: path,
      LAMBDA_TASK_ROOT: '/var/task',
      IS_LOCAL: 'true',
      PWD: process.cwd(),
    };
    try {
      // Act
      const config = loadConfigFromEnv(env);
      // Assess
      expect(configBase(env)).toBe(process.cwd());
      expect(config.clusters).toHaveLength(1);
      expect(() => loadConfigFromEnv({ ...env, IS_LOCAL: undefined })).toThrow(ConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
