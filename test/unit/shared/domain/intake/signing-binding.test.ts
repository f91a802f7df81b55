import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../../../../shared/core/lkrc';
import { parseKeyEntries } from '../../../../../shared/domain/intake/keyring';
import { signFields, verifySignatures } from '../../../../../shared/domain/intake/signing';
import { signingKey, vectorKeyEntries } from '../../../../support/lkrc';

const NOW = 1_764_064_800_500;
const trusted = parseKeyEntries(vectorKeyEntries()).keys;

/** A failover signed by node1's key under source lifekeeper.lk-demo.node1, with the body naming `body`. */
const signed = (body: { cluster: string; node: string }) => {
  const fields = {
    source: 'lifekeeper.lk-demo.node1',
    detailType: 'LifeKeeper Failover',
    msgId: '01JD3Q7Z8W4K2N6V9X0T5R1M3B',
    ts: Math.floor(NOW / 1000),
    body: toBase64Url(Buffer.from(JSON.stringify({ type: 'failover', ...body }), 'utf8')),
  };
  return { fields, signatures: signFields(fields, [signingKey('node1.2026-11')]) };
};

describe('the signature binds the body to the source', () => {
  it('accepts a body that names the source cluster and node', () => {
    // Prepare
    const message = signed({ cluster: 'lk-demo', node: 'node1' });
    // Act
    const verdict = verifySignatures({
      ...message,
      keys: trusted,
      body: { cluster: 'lk-demo', node: 'node1' },
      nowMs: NOW,
    });
    // Assess
    expect(verdict).toEqual({ ok: true, kid: 'node1.2026-11' });
  });

  it('refuses a validly signed body that names another cluster than the source (SourceMismatch)', () => {
    // Prepare: node1's own key, its own source, but the body speaks for cluster lk-other.
    const message = signed({ cluster: 'lk-other', node: 'node1' });
    // Act
    const verdict = verifySignatures({
      ...message,
      keys: trusted,
      body: { cluster: 'lk-other', node: 'node1' },
      nowMs: NOW,
    });
    // Assess
    expect(verdict).toMatchObject({ ok: false, reason: 'SourceMismatch' });
  });

  it('refuses a validly signed body that names another node than the source (SourceMismatch)', () => {
    // Prepare
    const message = signed({ cluster: 'lk-demo', node: 'node2' });
    // Act
    const verdict = verifySignatures({
      ...message,
      keys: trusted,
      body: { cluster: 'lk-demo', node: 'node2' },
      nowMs: NOW,
    });
    // Assess
    expect(verdict).toMatchObject({ ok: false, reason: 'SourceMismatch' });
  });
});
