import fc from "fast-check";

/**
 * IPv4 addresses and networks as plain integer intervals, for property tests of CIDR code: the
 * expectations stay independent of ipaddr.js and of the CIDR strings the code under test parses.
 */
export type Interval = [number, number];

export const ip = (a: number, b: number, c: number, d: number) => ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
export const span = (base: number, prefix: number): Interval => [base, base + 2 ** (32 - prefix) - 1];
export const dotted = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
export const inInterval = (n: number, [lo, hi]: Interval) => n >= lo && n <= hi;

/** The addresses a CIDR covers, host bits cleared. */
export function cidrInterval(cidr: string): Interval {
  const [address, prefix] = cidr.split("/");
  const [a, b, c, d] = address.split(".").map(Number);
  const base = ip(a, b, c, d) & (Number(prefix) === 0 ? 0 : (~0 << (32 - Number(prefix))) >>> 0);
  return span(base >>> 0, Number(prefix));
}

export const address = fc.integer({ min: 0, max: 2 ** 32 - 1 });
/** Any IPv4 CIDR, host bits allowed. */
export const cidrArb = fc.tuple(address, fc.integer({ min: 0, max: 32 })).map(([n, prefix]) => `${dotted(n)}/${prefix}`);
