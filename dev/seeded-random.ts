/** A seeded pseudo-random source in [0, 1): the fault proxy and the delivery scheduler draw from one each. */
export type Random = () => number;

/** mulberry32: tiny, fast, and good enough to pick faults and delays reproducibly. */
export const seededRandom = (seed: number): Random => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** An integer in [min, max]. */
export const between = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));

/** z for the 99th percentile of the standard normal distribution. */
const Z99 = 2.326_347_874;

/**
 * A log-normal sample with the given median and 99th percentile (Box-Muller from two uniform draws): the
 * usual shape of a network round trip, most calls near the median and a long right tail.
 */
export const logNormal = (random: Random, medianMs: number, p99Ms: number): number => {
  const sigma = Math.log(Math.max(p99Ms, medianMs) / medianMs) / Z99;
  const u = Math.max(random(), Number.EPSILON);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return medianMs * Math.exp(sigma * z);
};
