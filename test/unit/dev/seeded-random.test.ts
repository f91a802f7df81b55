import { describe, expect, it } from 'vitest';
import { logNormal, seededRandom } from '../../../dev/seeded-random';

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.floor(q * (sorted.length - 1))] as number;

describe('logNormal', () => {
  it('draws samples whose median and 99th percentile are the ones asked for', () => {
    // Prepare
    const random = seededRandom(42);
    // Act
    const samples = Array.from({ length: 40_000 }, () => logNormal(random, 100, 300)).sort(
      (a, b) => a - b,
    );
    // Assess
    expect(quantile(samples, 0.5)).toBeGreaterThan(97);
    expect(quantile(samples, 0.5)).toBeLessThan(103);
    expect(quantile(samples, 0.99)).toBeGreaterThan(285);
    expect(quantile(samples, 0.99)).toBeLessThan(315);
  });

  it('is the median itself when the tail equals the median', () => {
    // Act
    const sample = logNormal(seededRandom(1), 8, 8);
    // Assess
    expect(sample).toBe(8);
  });
});
