/**
 * `serverless invoke local` as a real process, offline, against the emulator: the way an operator tries
 * the packaged handler before deploying. Stdin is closed (it would otherwise wait for an event on it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { topologyConfig } from '../../dev/guide';
import { createTables } from '../../dev/tables';
import { buildTopology, createBusTap, vipTargets } from '../../dev/topology';
import { COMPLETED } from '../../shared/events/route-switch-result';
import { clients, motoUrl, resetEmulator, writeConfig } from '../support/emulator';
import { switchRequestEvent } from '../support/events';

const ROOT = resolve(__dirname, '../..');

describe('serverless invoke local', () => {
  it('runs the routeSwitch handler offline against the emulator and moves the routes', async () => {
    // Prepare
    await resetEmulator();
    const aws = clients();
    const topology = await buildTopology(aws.ec2);
    const tables = await createTables(aws.dynamodb, 'invoke-local');
    await createBusTap(aws, 'routekeeper-invoke-local', [COMPLETED]);
    // serverless.yml derives the bus policy from the node roles, so even invoke local needs them.
    const config = topologyConfig(topology);
    for (const cluster of config.clusters) {
      cluster.nodes = cluster.nodes.map((node) => ({
        ...node,
        roleArn: `arn:aws:iam::123456789012:role/${cluster.name}-${node.name}`,
      }));
    }
    const configPath = writeConfig(config);
    const eventPath = join(mkdtempSync(join(tmpdir(), 'routekeeper-event-')), 'event.json');
    writeFileSync(
      eventPath,
      JSON.stringify(switchRequestEvent({ node: 'node2', orderToken: 5_000 })),
    );
    const local = {
      AWS_ENDPOINT_URL: motoUrl(),
      ROUTEKEEPER_CONFIG: configPath,
      STATE_TABLE: tables.state,
      IDEMPOTENCY_TABLE: tables.idempotency,
      EVENT_BUS_NAME: 'routekeeper-invoke-local',
    };
    // Act
    const result = spawnSync(
      join(ROOT, 'node_modules/.bin/serverless'),
      [
        'invoke',
        'local',
        '-f',
        'routeSwitch',
        '-p',
        eventPath,
        ...Object.entries(local).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...local,
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
        },
        input: '',
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    // Assess
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('"kind": "Switched"');
    const targets = await vipTargets(aws.ec2, topology.routeTables);
    expect(Object.values(targets)).toEqual(
      topology.routeTables.map(() => topology.nodes[1]?.eniId),
    );
  });
});
