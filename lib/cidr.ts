import * as ipaddr from "ipaddr.js";

/**
 * IPv4 CIDR arithmetic, in one place: the config rules (network ranges that must not overlap, the
 * runners' allowed networks) and the stacks' NetworkPolicies (ranges to exclude) use the same
 * functions, so a rule and the policy it protects cannot disagree about what "overlaps" means.
 */

/** `cidr` with host bits cleared ("192.168.35.7/24" → "192.168.35.0/24"); throws on anything but IPv4. */
export function normaliseCidr(cidr: string): string {
  const [address, prefix] = ipaddr.parseCIDR(cidr);
  if (address.kind() !== "ipv4") throw new Error(`${cidr} is not an IPv4 CIDR`);
  return `${ipaddr.IPv4.networkAddressFromCIDR(cidr).toString()}/${prefix}`;
}

/** True when the two IPv4 networks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [addressA, prefixA] = ipaddr.IPv4.parseCIDR(a);
  const [addressB, prefixB] = ipaddr.IPv4.parseCIDR(b);
  // Two CIDRs overlap exactly when the wider one contains the other's network address.
  return prefixA <= prefixB ? addressB.match(addressA, prefixA) : addressA.match(addressB, prefixB);
}

/** True when `inner` lies wholly inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const [addressOuter, prefixOuter] = ipaddr.IPv4.parseCIDR(outer);
  const [addressInner, prefixInner] = ipaddr.IPv4.parseCIDR(inner);
  return prefixOuter <= prefixInner && addressInner.match(addressOuter, prefixOuter);
}

/** The first and last address of an IPv4 network, and its prefix length. */
export function cidrBounds(cidr: string): { readonly network: string; readonly broadcast: string; readonly prefix: number } {
  const [, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  return {
    network: ipaddr.IPv4.networkAddressFromCIDR(cidr).toString(),
    broadcast: ipaddr.IPv4.broadcastAddressFromCIDR(cidr).toString(),
    prefix,
  };
}

/** True when `cidr` is written with host bits set ("192.168.35.7/24"). */
export function hasHostBits(cidr: string): boolean {
  return ipaddr.IPv4.parseCIDR(cidr)[0].toString() !== cidrBounds(cidr).network;
}

/** True when the IPv4 `address` lies inside `cidr`. */
export function cidrContainsAddress(cidr: string, address: string): boolean {
  return ipaddr.IPv4.parse(address).match(ipaddr.IPv4.parseCIDR(cidr));
}
