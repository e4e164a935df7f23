import fc from "fast-check";
import { cidrBounds, cidrContains, cidrContainsAddress, cidrsOverlap, hasHostBits, normaliseCidr } from "../../lib/cidr";
import { address, cidrArb, cidrInterval, dotted } from "../helpers/ipv4-intervals";

describe("CIDR arithmetic", () => {
  it("cidrsOverlap() agrees with interval intersection", () => {
    fc.assert(
      fc.property(cidrArb, cidrArb, (a, b) => {
        const [loA, hiA] = cidrInterval(a);
        const [loB, hiB] = cidrInterval(b);
        expect(cidrsOverlap(a, b)).toBe(loA <= hiB && loB <= hiA);
      }),
      { numRuns: 2000 },
    );
  });

  it("cidrContains() agrees with interval inclusion", () => {
    fc.assert(
      fc.property(cidrArb, cidrArb, (a, b) => {
        const [loA, hiA] = cidrInterval(a);
        const [loB, hiB] = cidrInterval(b);
        expect(cidrContains(a, b)).toBe(loA <= loB && hiB <= hiA);
      }),
      { numRuns: 2000 },
    );
  });

  it("normaliseCidr() clears host bits and keeps the prefix", () => {
    fc.assert(
      fc.property(cidrArb, (cidr) => {
        const normalised = normaliseCidr(cidr);
        expect(cidrInterval(normalised)).toEqual(cidrInterval(cidr));
        expect(normalised.split("/")[1]).toBe(cidr.split("/")[1]);
        expect(normaliseCidr(normalised)).toBe(normalised);
      }),
    );
  });

  it("normaliseCidr() refuses IPv6", () => {
    expect(() => normaliseCidr("fd00::/64")).toThrow("fd00::/64 is not an IPv4 CIDR");
  });

  it("cidrBounds(), hasHostBits() and cidrContainsAddress() agree with the interval", () => {
    fc.assert(
      fc.property(cidrArb, address, (cidr, n) => {
        const [lo, hi] = cidrInterval(cidr);
        expect(cidrBounds(cidr)).toEqual({ network: dotted(lo), broadcast: dotted(hi), prefix: Number(cidr.split("/")[1]) });
        expect(hasHostBits(cidr)).toBe(cidr.split("/")[0] !== dotted(lo));
        expect(cidrContainsAddress(cidr, dotted(n))).toBe(n >= lo && n <= hi);
      }),
      { numRuns: 2000 },
    );
  });
});
