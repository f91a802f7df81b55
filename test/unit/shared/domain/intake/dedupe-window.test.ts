import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkNotification, dedupeWindowSeconds } from '../../../../../shared/domain/intake/check';
import { NodeNotificationEvent } from '../../../../../shared/events/lifekeeper-signed';
import { checkDeps, failoverEvent, T0 } from '../../../../support/lkrc';

describe('the dedupe window outlives every admissible replay', () => {
  it('is longer than the timestamp window in both directions, for any tolerance', () => {
    // Act / Assess
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3_600 }), (tolerance) => {
        expect(dedupeWindowSeconds(tolerance)).toBeGreaterThan(2 * tolerance);
      }),
    );
  });

  it('still holds the message id when the last admissible replay of a message arrives', async () => {
    // Prepare: signed 300 s ahead of routekeeper's clock, first seen at once, replayed at the edge.
    const tolerance = 300;
    const signedAt = T0;
    const firstSeen = signedAt - tolerance * 1000;
    const lastAdmissible = signedAt + tolerance * 1000;
    const event = NodeNotificationEvent.parse(failoverEvent({ nowMs: signedAt }));
    // Act
    const first = await checkNotification(event, checkDeps(firstSeen));
    const replay = await checkNotification(event, checkDeps(lastAdmissible));
    const remembered = firstSeen + dedupeWindowSeconds(tolerance) * 1000;
    // Assess
    expect(first.kind).toBe('Verified');
    expect(replay.kind).toBe('Verified');
    expect(remembered).toBeGreaterThan(lastAdmissible);
  });
});
