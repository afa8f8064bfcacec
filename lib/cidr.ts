/**
 * Pure IPv4 CIDR arithmetic used by config validation and subnet carving.
 * Kept dependency-free so the validators can run before any Pulumi resource exists.
 */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined for anything that is not a canonical IPv4 CIDR block. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const m = CIDR_RE.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const network = (address & maskOf(prefix)) >>> 0;
  // Host bits set (10.0.0.1/16) is almost always a typo; AWS normalises it silently, we refuse it.
  if (network !== address) return undefined;
  return { network, prefix };
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatCidr(c: Ipv4Cidr): string {
  const n = c.network;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${c.prefix}`;
}

export function sizeOf(c: Ipv4Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && ((inner.network & maskOf(outer.prefix)) >>> 0) === outer.network;
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

/** The `index`-th block of prefix length `prefix` counted from `base`'s network address. */
export function nthBlock(base: Ipv4Cidr, prefix: number, index: number): Ipv4Cidr {
  return { network: (base.network + index * 2 ** (32 - prefix)) >>> 0, prefix };
}
