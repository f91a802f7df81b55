/**
 * `npm run demo`'s story on the suite's emulator: the same steps (dev/demo-story.ts), in-process, so the
 * demo cannot rot unnoticed. Each step judges itself; this test also reads the end state back from the
 * emulator.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { playDemo } from '../../dev/demo-story';
import { CLUSTER, VIP } from '../../dev/guide';
import { vipTargetsOf } from '../../dev/scenario';
import { makeVipRecordReader } from '../../shared/aws/state-records';
import { motoUrl, resetEmulator } from '../support/emulator';

describe('the demo', () => {
  it('plays every step as it should: bootstrap, failover, stale and forged claims refused, drift repaired, doctor green', async () => {
    // Prepare
    await resetEmulator();
    // Act
    const { steps, scenario } = await playDemo(motoUrl());
    // Assess
    expect(steps.map((s) => [s.name.trim().slice(0, 2), s.problem])).toEqual([
      ['0.', undefined],
      ['do', undefined],
      ['1.', undefined],
      ['2.', undefined],
      ['3.', undefined],
      ['4.', undefined],
      ['5.', undefined],
      ['6.', undefined],
    ]);
    const [, node2] = scenario.topology.nodes;
    expect(Object.values(await vipTargetsOf(scenario))).toEqual(
      scenario.topology.routeTables.map(() => node2?.eniId),
    );
    const other = scenario.topology.otherVpcRouteTable;
    expect(await vipTargetsOf(scenario, [other])).toEqual({ [other]: 'none' });
    const records = makeVipRecordReader(
      DynamoDBDocumentClient.from(scenario.aws.dynamodb),
      scenario.tables.state,
    );
    const [record] = await records.readMany([{ cluster: CLUSTER, vip: VIP }]);
    expect(record).toMatchObject({ owner: 'node2', eni: node2?.eniId, phase: 'APPLIED' });
  }, 180_000);
});
