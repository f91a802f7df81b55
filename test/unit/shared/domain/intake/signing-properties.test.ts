/**
 * Property-based: whatever a sender or an attacker puts on the bus, the heartbeat handler answers with a
 * typed outcome and never throws, and nothing is accepted unless it carries a valid signature of the node
 * it names. The real handler runs over in-memory effects; the clock is fixed at the signing time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../../../../shared/core/lkrc';
import { REJECT_REASONS } from '../../../../../shared/domain/intake/check';
import { signFields } from '../../../../../shared/domain/intake/signing';
import {
  failoverEvent,
  heartbeatEvent,
  signingKey,
  T0,
  unitHandler,
} from '../../../../support/lkrc';
import { propertyRuns } from '../../../../support/property-runs';

const RUNS = propertyRuns(2_000);
type Event = Record<string, unknown> & { detail: Record<string, unknown> };

const valid = (): Event => failoverEvent({ kids: ['node1.2026-11', 'node1.h2026-11'] }) as Event;

/** Characters an attacker might slip in: the base64url alphabet, delimiters, controls, unicode. */
const hostileChar = fc.oneof(
  fc.constantFrom('A', 'a', '0', '-', '_', '.', '=', '+', '/', ' ', '\n', '\r', '\t', '\u0000'),
  fc.constantFrom('é', 'Ω', '\u2028', '\u202e', '😀', '\uFEFF'),
  fc.string({ minLength: 1, maxLength: 1 }),
);

const replaceAt = (text: string, index: number, char: string): string | undefined => {
  const at = index % text.length;
  if (text[at] === char) return undefined;
  return `${text.slice(0, at)}${char}${text.slice(at + 1)}`;
};

const expectRejected = (outcome: { kind: string; reason?: string }) => {
  expect(outcome.kind).toBe('Rejected');
  expect(REJECT_REASONS).toContain(outcome.reason);
};

describe('heartbeat handler, properties', () => {
  it('accepts the unmodified message (the properties below start from a valid one)', async () => {
    // Act
    const outcome = await unitHandler(T0).handle(valid());
    // Assess
    expect(outcome.kind).toBe('FailoverRequested');
  });

  it('rejects a change of any one character of the body, a signature or a signed field', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('body', 'sig0', 'sig1', 'source', 'detail-type', 'msgId', 'kid0'),
        fc.nat(),
        hostileChar,
        async (field, index, char) => {
          // Prepare
          const event = valid();
          const sig = event.detail.sig as { kid: string; value: string }[];
          const target: Record<string, () => [string, (v: string) => void]> = {
            body: () => [event.detail.body as string, (v) => (event.detail.body = v)],
            sig0: () => [sig[0]?.value ?? '', (v) => ((sig[0] as { value: string }).value = v)],
            sig1: () => [sig[1]?.value ?? '', (v) => ((sig[1] as { value: string }).value = v)],
            source: () => [event.source as string, (v) => (event.source = v)],
            'detail-type': () => [
              event['detail-type'] as string,
              (v) => (event['detail-type'] = v),
            ],
            msgId: () => [event.detail.msgId as string, (v) => (event.detail.msgId = v)],
            kid0: () => [sig[0]?.kid ?? '', (v) => ((sig[0] as { kid: string }).kid = v)],
          };
          const [text, write] = (target[field] as () => [string, (v: string) => void])();
          const changed = replaceAt(text, index, char);
          fc.pre(changed !== undefined);
          write(changed as string);
          // Both signatures must be broken for a rejection: change the other one too when a signature is hit.
          if (field === 'sig0' || field === 'kid0') sig.splice(1, 1);
          if (field === 'sig1') sig.splice(0, 1);
          // Act
          const outcome = await unitHandler(T0).handle(event);
          // Assess
          expectRejected(outcome);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('rejects any change of the signed timestamp', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -1_000, max: 1_000 }), async (delta) => {
        fc.pre(delta !== 0);
        // Prepare
        const event = valid();
        event.detail.ts = (event.detail.ts as number) + delta;
        // Act
        const outcome = await unitHandler(T0).handle(event);
        // Assess
        expectRejected(outcome);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers random JSON in place of the event or of its detail with a typed rejection', async () => {
    const handler = unitHandler(T0);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.boolean(), async (json, asDetail) => {
        // Prepare
        const event = asDetail ? { ...valid(), detail: json } : json;
        // Act
        const outcome = await handler.handle(event);
        // Assess
        expectRejected(outcome);
        expect(handler.applied).toHaveLength(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers huge strings, unicode and newlines in ids with SchemaInvalid before any crypto', async () => {
    const text = fc.oneof(
      fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 80 })
        .filter((s) => /[^\x20-\x7e]/.test(s)),
      fc.string({ minLength: 1, maxLength: 40 }).map((s) => `${s}\n${s}`),
      fc.nat({ max: 3 }).map((n) => 'A'.repeat(10_000 * (n + 1))),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('msgId', 'kid', 'alg', 'value', 'body', 'lkrc', 'source'),
        text,
        async (field, value) => {
          // Prepare
          const event = valid();
          const sig = (event.detail.sig as Record<string, string>[])[0] as Record<string, string>;
          if (field === 'source') event.source = `lifekeeper.lk-demo.${value}`;
          else if (field === 'kid' || field === 'alg' || field === 'value') sig[field] = value;
          else event.detail[field] = value;
          // Act
          const outcome = await unitHandler(T0).handle(event);
          // Assess
          expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'SchemaInvalid' });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('rejects __proto__, constructor and prototype keys in the detail and in a validly signed body', async () => {
    const key = fc.constantFrom('__proto__', 'constructor', 'prototype');
    await fc.assert(
      fc.asyncProperty(key, fc.jsonValue(), fc.boolean(), async (name, value, inBody) => {
        // Prepare
        const event = valid();
        if (inBody) {
          const claim = JSON.parse(
            Buffer.from(event.detail.body as string, 'base64url').toString(),
          );
          const extra = `,"${name}":${JSON.stringify(value)}}`;
          const bodyJson = JSON.stringify(claim).replace(/}$/, () => extra);
          const body = toBase64Url(Buffer.from(bodyJson));
          event.detail.body = body;
          event.detail.sig = signFields(
            {
              source: event.source as string,
              detailType: event['detail-type'] as string,
              msgId: event.detail.msgId as string,
              ts: event.detail.ts as number,
              body,
            },
            [signingKey('node1.2026-11')],
          );
        } else {
          const extra = `,"${name}":${JSON.stringify(value)}}`;
          event.detail = JSON.parse(JSON.stringify(event.detail).replace(/}$/, () => extra));
        }
        // Act
        const outcome = await unitHandler(T0).handle(event);
        // Assess
        expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'SchemaInvalid' });
        // In the body the key is caught while parsing, before any schema sees the object.
        if (inBody) expect((outcome as { detail: string }).detail).toMatch(/forbidden key/);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });

  it('never accepts a message signed only with keys of another node, for any node and VIP list', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('node1', 'node2'),
        fc.boolean(),
        fc.subarray(['10.1.0.10']),
        async (claimed, failover, vips) => {
          // Prepare
          const foreign =
            claimed === 'node1' ? ['node2.2026-11'] : ['node1.2026-11', 'node1.h2026-11'];
          const event = failover
            ? failoverEvent({ node: claimed, kids: foreign })
            : heartbeatEvent({ node: claimed, kids: foreign, vips });
          // Act
          const outcome = await unitHandler(T0).handle(event);
          // Assess
          expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'SourceMismatch' });
        },
      ),
      { numRuns: 200 },
    );
  });
});
