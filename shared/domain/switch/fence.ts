import type { Claim, VipRecord } from './ports';

/**
 * The fencing rule for one VIP. A claim is accepted when there is no record yet, when it is newer than the
 * record, or when it is the record's own claim again (a replay). An older claim is stale; an equally old
 * claim from another node means two nodes believe they own the VIP at once.
 * The state table's conditional write implements exactly this rule (shared/aws/vip-records.ts).
 */
export type FenceDecision = 'Accept' | 'Replay' | 'Stale' | 'SplitBrainSuspected';

export const decideFence = (record: VipRecord | undefined, claim: Claim): FenceDecision => {
  if (record === undefined || claim.orderToken > record.orderToken) return 'Accept';
  if (claim.orderToken < record.orderToken) return 'Stale';
  return claim.node === record.owner ? 'Replay' : 'SplitBrainSuspected';
};
