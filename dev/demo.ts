/**
 * `npm run demo`: the demo's story (dev/demo-story.ts) on this machine, against an AWS emulator it starts
 * itself (moto_server on 127.0.0.1). Exits 0 only if every step did what it should.
 */

import { playDemo, type Step } from './demo-story';
import { REGION } from './guide';
import { MotoMissingError, withEmulator } from './moto';

const run = async () => {
  console.log('routekeeper demo: a LifeKeeper VIP failover, end to end, on an AWS emulator\n');
  const steps: Step[] = [];
  try {
    await withEmulator(REGION, async (moto) => {
      console.log(`  emulator: moto_server on ${moto.url}`);
      await playDemo(moto.url, (line) => console.log(line), steps);
    });
  } catch (error) {
    if (error instanceof MotoMissingError) console.error(`\n${error.message}`);
    else console.error('\ndemo FAILED:', error);
    steps.push({ name: 'unexpected error', ms: 0, problem: String(error) });
  }
  console.log('\ntimeline');
  for (const s of steps)
    console.log(
      `  ${s.problem === undefined ? '✓' : '✗'} ${s.ms.toFixed(0).padStart(6)} ms  ${s.name}`,
    );
  const ok = steps.length > 0 && steps.every((s) => s.problem === undefined);
  console.log(ok ? '\ndemo passed: every step did what it should' : '\ndemo FAILED');
  process.exitCode = ok ? 0 : 1;
};

void run();
