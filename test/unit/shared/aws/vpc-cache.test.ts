import { describe, expect, it } from 'vitest';
import { cachingVpcs } from '../../../../shared/aws/vpc-cache';
import { awsError } from '../../../support/fakes';

describe('cachingVpcs', () => {
  const counting = (blocks: string[], failFirst = false) => {
    let calls = 0;
    return {
      get calls() {
        return calls;
      },
      cidrBlocks: async () => {
        calls++;
        if (failFirst && calls === 1) throw awsError('RequestLimitExceeded', true);
        return blocks;
      },
    };
  };

  it('reads a VPC once within the maximum age and again after it', async () => {
    // Prepare
    let now = 0;
    const inner = counting(['10.0.0.0/16']);
    const vpcs = cachingVpcs(inner, 1_000, () => new Date(now));
    // Act
    await vpcs.cidrBlocks('vpc-1');
    now = 999;
    const cached = await vpcs.cidrBlocks('vpc-1');
    now = 1_000;
    await vpcs.cidrBlocks('vpc-1');
    // Assess
    expect(cached).toEqual(['10.0.0.0/16']);
    expect(inner.calls).toBe(2);
  });

  it('never caches a failure', async () => {
    // Prepare
    const inner = counting(['10.0.0.0/16'], true);
    const vpcs = cachingVpcs(inner, 60_000, () => new Date(0));
    // Act
    const first = await vpcs.cidrBlocks('vpc-1').catch((error: unknown) => error);
    const second = await vpcs.cidrBlocks('vpc-1');
    // Assess
    expect(first).toMatchObject({ code: 'RequestLimitExceeded' });
    expect(second).toEqual(['10.0.0.0/16']);
    expect(inner.calls).toBe(2);
  });
});
