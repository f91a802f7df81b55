import type { Clock } from '../core/ports';
import type { Vpcs } from '../domain/switch/ports';

/**
 * A VPC's CIDR blocks change rarely (an operator associates a new block): read them at most once per
 * `maxAgeMs` per container, so a failover pays no extra EC2 read. Failures are never cached.
 */
export const cachingVpcs = (inner: Vpcs, maxAgeMs: number, now: Clock): Vpcs => {
  const cache = new Map<string, { readAt: number; blocks: string[] }>();
  return {
    cidrBlocks: async (vpcId) => {
      const hit = cache.get(vpcId);
      if (hit !== undefined && now().getTime() - hit.readAt < maxAgeMs) return hit.blocks;
      const blocks = await inner.cidrBlocks(vpcId);
      cache.set(vpcId, { readAt: now().getTime(), blocks });
      return blocks;
    },
  };
};
