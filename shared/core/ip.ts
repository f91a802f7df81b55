/** IPv4 helpers for VIPs and CIDR blocks. Strict: no leading zeros, no shorthand forms. */

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export const parseIpv4 = (text: string): number | undefined => {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
};

export interface Cidr {
  readonly base: number;
  readonly prefix: number;
  readonly text: string;
}

export const parseCidr = (text: string): Cidr | undefined => {
  const [address, prefixText, ...rest] = text.split('/');
  if (address === undefined || prefixText === undefined || rest.length > 0) return undefined;
  if (!/^(3[0-2]|[12]?\d)$/.test(prefixText)) return undefined;
  const base = parseIpv4(address);
  if (base === undefined) return undefined;
  const prefix = Number(prefixText);
  return { base, prefix, text };
};

const mask = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** True when the CIDR's address has no bits set beyond its prefix (10.0.0.0/16, not 10.0.1.0/16). */
export const isNetworkAddress = (cidr: Cidr): boolean =>
  (cidr.base & mask(cidr.prefix)) >>> 0 === cidr.base;

export const cidrContains = (cidr: Cidr, address: number): boolean =>
  (address & mask(cidr.prefix)) >>> 0 === (cidr.base & mask(cidr.prefix)) >>> 0;

/** True when `outer` covers every address of `inner`. */
export const cidrCovers = (outer: Cidr, inner: Cidr): boolean =>
  outer.prefix <= inner.prefix && cidrContains(outer, inner.base);

/**
 * A VIP written bare (`10.1.0.10`) or as a host route (`10.1.0.10/32`), normalised to the bare address.
 * Returns undefined for anything else (other prefixes, IPv6, leading zeros).
 */
export const normaliseVip = (text: string): string | undefined => {
  const [address, prefix, ...rest] = text.split('/');
  if (address === undefined || rest.length > 0) return undefined;
  if (prefix !== undefined && prefix !== '32') return undefined;
  return parseIpv4(address) === undefined ? undefined : address;
};

/** The destination CIDR block of a VIP's host route. */
export const vipDestination = (vip: string): string => `${vip}/32`;
