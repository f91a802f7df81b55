import { describe, expect, it } from 'vitest';
import { toRecord } from '../../../../shared/aws/vip-records';
import { ID, NOW } from '../../../support/account';

const pause = { by: 'arn:aws:sts::123456789012:assumed-role/ops/alice' };

describe('operator audit on the fence record', () => {
  const item = {
    cluster: 'lk-demo',
    vip: ID.vip,
    owner: 'node2',
    eni: ID.node2.eni,
    idempotencyKey: 'k',
    reason: 'operator',
    phase: 'APPLIED',
    updatedAt: NOW.toISOString(),
  };
  const audit = { principal: pause.by, at: NOW.toISOString(), reason: 'patch node1' };

  it('belongs to the record while its order token is the record’s', () => {
    // Act
    const record = toRecord({ ...item, orderToken: 5, initiatedBy: { ...audit, orderToken: 5 } });
    // Assess
    expect(record.initiatedBy).toEqual(audit);
  });

  it('is left behind once a newer claim holds the record', () => {
    // Act
    const record = toRecord({
      ...item,
      reason: 'failover',
      orderToken: 9,
      initiatedBy: { ...audit, orderToken: 5 },
    });
    // Assess
    expect(record.initiatedBy).toBeUndefined();
  });
});
