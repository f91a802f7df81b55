import { describe, expect, it } from 'vitest';
import { FailoverClaim } from '../../../../shared/events/lifekeeper-failover';

const TS = 1_764_064_800;
const claim = (claimedAt: number) => ({
  type: 'failover',
  cluster: 'lk-demo',
  node: 'node1',
  msgId: '01JD3Q7Z8W4K2N6V9X0T5R1M3B',
  ts: TS,
  vip: '10.1.0.10',
  claimedAt,
});

describe('LifeKeeper Failover v1: claimedAt is bound to the signed second', () => {
  it.each([
    [TS * 1000, true],
    [TS * 1000 + 999, true],
    [TS * 1000 + 1000, false],
    [TS * 1000 - 1, false],
    [(TS + 240) * 1000, false],
  ])('claimedAt %d is valid: %s', (claimedAt, valid) => {
    // Act
    const parsed = FailoverClaim.safeParse(claim(claimedAt));
    // Assess
    expect(parsed.success).toBe(valid);
  });

  it('names claimedAt when it leaves the signed second', () => {
    // Act
    const parsed = FailoverClaim.safeParse(claim(TS * 1000 + 5_000));
    // Assess
    expect(parsed.error?.issues[0]?.path).toEqual(['claimedAt']);
  });
});
