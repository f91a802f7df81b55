import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  cidrCovers,
  isNetworkAddress,
  normaliseVip,
  parseCidr,
  parseIpv4,
  vipDestination,
} from '../../../../shared/core/ip';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const prefix = fc.integer({ min: 0, max: 32 });

const dotted = (value: number): string =>
  [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');

/** The network address of `address` under `prefix`, by arithmetic rather than bit masks. */
const network = (address: number, bits: number): number =>
  Math.floor(address / 2 ** (32 - bits)) * 2 ** (32 - bits);

const cidrOf = (address: number, bits: number) => {
  const cidr = parseCidr(`${dotted(network(address, bits))}/${bits}`);
  if (cidr === undefined) throw new Error('test generated an unparsable CIDR');
  return cidr;
};

describe('parseIpv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.1.0.10', 167837706],
    ['255.255.255.255', 0xffffffff],
  ])('reads %s as %i', (text, value) => {
    // Prepare
    // Act
    const parsed = parseIpv4(text);
    // Assess
    expect(parsed).toBe(value);
  });

  it.each([
    '010.1.0.10',
    '10.1.0',
    '10.1.0.10.1',
    '256.1.0.10',
    '10.1.0.-1',
    '10.1..10',
    ' 10.1.0.10',
    '0x0a.1.0.10',
    '2001:db8::10',
    '',
  ])('rejects %j', (text) => {
    // Prepare
    // Act
    const parsed = parseIpv4(text);
    // Assess
    expect(parsed).toBeUndefined();
  });

  it('reads back every dotted address it would print', () => {
    fc.assert(
      fc.property(u32, (value) => {
        // Prepare
        const text = dotted(value);
        // Act
        const parsed = parseIpv4(text);
        // Assess
        expect(parsed).toBe(value);
      }),
    );
  });

  it('rejects any address with a leading zero in an octet', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 3 }), (address, octet) => {
        // Prepare
        const parts = address.split('.');
        parts[octet] = `0${parts[octet]}`;
        // Act
        const parsed = parseIpv4(parts.join('.'));
        // Assess
        expect(parsed).toBeUndefined();
      }),
    );
  });
});

describe('parseCidr', () => {
  it('reads the base, the prefix and keeps the text', () => {
    // Prepare
    // Act
    const cidr = parseCidr('10.0.0.0/16');
    // Assess
    expect(cidr).toEqual({ base: 167772160, prefix: 16, text: '10.0.0.0/16' });
  });

  it.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/016', '10.0.0.0/16/1', '10.0.0.0/', '010.0.0.0/8'])(
    'rejects %j',
    (text) => {
      // Prepare
      // Act
      const cidr = parseCidr(text);
      // Assess
      expect(cidr).toBeUndefined();
    },
  );
});

describe('isNetworkAddress', () => {
  it.each([
    ['10.0.0.0/16', true],
    ['10.0.1.0/16', false],
    ['0.0.0.0/0', true],
    ['1.0.0.0/0', false],
    ['10.1.0.10/32', true],
  ])('says %s is a network address: %s', (text, expected) => {
    // Prepare
    const cidr = parseCidr(text);
    // Act
    const result = cidr !== undefined && isNetworkAddress(cidr);
    // Assess
    expect(result).toBe(expected);
  });

  it('holds exactly when the base equals its own network address', () => {
    fc.assert(
      fc.property(u32, prefix, (address, bits) => {
        // Prepare
        const cidr = parseCidr(`${dotted(address)}/${bits}`);
        // Act
        const result = cidr !== undefined && isNetworkAddress(cidr);
        // Assess
        expect(result).toBe(network(address, bits) === address);
      }),
    );
  });
});

describe('cidrContains', () => {
  it('contains every address generated inside the block', () => {
    fc.assert(
      fc.property(u32, prefix, u32, (base, bits, offset) => {
        // Prepare
        const cidr = cidrOf(base, bits);
        const inside = cidr.base + (offset % 2 ** (32 - bits));
        // Act
        const contained = cidrContains(cidr, inside);
        // Assess
        expect(contained).toBe(true);
      }),
    );
  });

  it('contains an address exactly when it shares the network bits', () => {
    fc.assert(
      fc.property(u32, prefix, u32, (base, bits, address) => {
        // Prepare
        const cidr = cidrOf(base, bits);
        // Act
        const contained = cidrContains(cidr, address);
        // Assess
        expect(contained).toBe(network(address, bits) === cidr.base);
      }),
    );
  });

  it('keeps a VIP outside a VPC block that merely neighbours it', () => {
    // Prepare
    const vpc = parseCidr('10.0.0.0/16');
    const vip = parseIpv4('10.1.0.10');
    // Act
    const contained = vpc !== undefined && vip !== undefined && cidrContains(vpc, vip);
    // Assess
    expect(contained).toBe(false);
  });
});

describe('cidrCovers', () => {
  it('covers every block carved out of it', () => {
    fc.assert(
      fc.property(u32, prefix, prefix, (base, a, b) => {
        // Prepare
        const [outerBits, innerBits] = a <= b ? [a, b] : [b, a];
        const inner = cidrOf(base, innerBits);
        const outer = cidrOf(base, outerBits);
        // Act
        const covers = cidrCovers(outer, inner);
        // Assess
        expect(covers).toBe(true);
      }),
    );
  });

  it('never lets a longer prefix cover a shorter one', () => {
    fc.assert(
      fc.property(u32, prefix, prefix, (base, a, b) => {
        fc.pre(a !== b);
        // Prepare
        const [shortBits, longBits] = a < b ? [a, b] : [b, a];
        // Act
        const covers = cidrCovers(cidrOf(base, longBits), cidrOf(base, shortBits));
        // Assess
        expect(covers).toBe(false);
      }),
    );
  });
});

describe('normaliseVip', () => {
  it('returns a valid address unchanged, written bare or as /32', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        // Prepare
        const forms = [address, `${address}/32`];
        // Act
        const normalised = forms.map(normaliseVip);
        // Assess
        expect(normalised).toEqual([address, address]);
        expect(normaliseVip(vipDestination(address))).toBe(address);
      }),
    );
  });

  it('rejects every prefix other than /32', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 31 }), (address, bits) => {
        // Prepare
        const text = `${address}/${bits}`;
        // Act
        const normalised = normaliseVip(text);
        // Assess
        expect(normalised).toBeUndefined();
      }),
    );
  });

  it.each(['2001:db8::10', '010.1.0.10', '10.1.0.10/32/32', '10.1.0.10/', '10.1.0.10/032'])(
    'rejects %j',
    (text) => {
      // Prepare
      // Act
      const normalised = normaliseVip(text);
      // Assess
      expect(normalised).toBeUndefined();
    },
  );
});

describe('vipRoute', () => {
  it('is the VIP host route', () => {
    // Prepare
    // Act
    const route = vipDestination('10.1.0.10');
    // Assess
    expect(route).toBe('10.1.0.10/32');
  });
});
