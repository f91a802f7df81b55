import type { TestProject } from 'vitest/node';
import { startMoto } from '../../dev/moto';

declare module 'vitest' {
  export interface ProvidedContext {
    motoUrl: string;
  }
}

/**
 * One moto_server for the integration project, on a free loopback port. A missing moto fails the run
 * with an install hint; it is never a reason to skip.
 */
export default async function setup(project: TestProject) {
  const moto = await startMoto();
  process.stdout.write(`[integration] moto_server listening on ${moto.url}\n`);
  project.provide('motoUrl', moto.url);
  return async () => {
    await moto.stop();
  };
}
