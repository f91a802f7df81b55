import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { REGION } from '../../dev/guide';
import { type DeployedStack, deployStack, stackClients } from '../../dev/local-stack';
import { emulatorClients } from '../../dev/topology';

/** Integration tests: clients and environment pointing at the shared moto_server; reset per test. */
export const motoUrl = () => inject('motoUrl');

export const resetEmulator = async (): Promise<void> => {
  const response = await fetch(`${motoUrl()}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
};

export const clients = () => emulatorClients(motoUrl());

/**
 * routekeeper's packaged stack (packaged once per run by global-package.ts) deployed to the emulator: its
 * tables, bus, rules and queues, never restated by a test. Reset the emulator first.
 */
export const deployedStack = (): Promise<DeployedStack> =>
  deployStack(stackClients(motoUrl(), REGION));

/** Write a configuration to a temporary file and return its path (what ROUTEKEEPER_CONFIG points at). */
export const writeConfig = (config: unknown): string => {
  const dir = mkdtempSync(join(tmpdir(), 'routekeeper-config-'));
  const path = join(dir, 'routekeeper.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
};

/**
 * The environment a function sees when it runs against the emulator. SDK clients read
 * AWS_ENDPOINT_URL from process.env when they are built, so it is set there too.
 */
export const emulatorEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => {
  process.env.AWS_ENDPOINT_URL = motoUrl();
  return { ...process.env, ...extra };
};
