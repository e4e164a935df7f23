import * as ipaddr from "ipaddr.js";
import { apiServerPorts, cidr, outside, tcp, type Labels, type Peer, type PolicyDefinition } from "../../lib/network-policy";

/**
 * Where CI jobs may connect. Jobs run inside the dind sidecar, and Docker masquerades their
 * traffic behind the pod's address, so the pod's NetworkPolicy is what governs every job.
 */

/**
 * IPv4 ranges no job may reach: "this network", RFC 1918 (the home LAN, the node network and,
 * with Talos' defaults, the pod and service CIDRs), CGNAT (Tailscale-style overlays), loopback
 * and link-local (cloud and hypervisor metadata endpoints).
 */
export const nonPublicRanges = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
] as const;

/** Where the Kubernetes API may be when the caller does not say: the cluster's networks are private. */
export const privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** `cidr` with host bits cleared ("192.168.35.7/24" → "192.168.35.0/24"); throws on anything but IPv4. */
export function normaliseCidr(cidr: string): string {
  const [address, prefix] = ipaddr.parseCIDR(cidr);
  if (address.kind() !== "ipv4") throw new Error(`${cidr} is not an IPv4 CIDR`);
  return `${ipaddr.IPv4.networkAddressFromCIDR(cidr).toString()}/${prefix}`;
}

/** True when the two IPv4 networks share at least one address. */
export function overlaps(a: string, b: string): boolean {
  const [addressA, prefixA] = ipaddr.IPv4.parseCIDR(a);
  const [addressB, prefixB] = ipaddr.IPv4.parseCIDR(b);
  // Two CIDRs overlap exactly when the wider one contains the other's network address.
  return prefixA <= prefixB ? addressB.match(addressA, prefixA) : addressA.match(addressB, prefixB);
}

/** True when `inner` lies wholly inside `outer`. */
export function contains(outer: string, inner: string): boolean {
  const [addressOuter, prefixOuter] = ipaddr.IPv4.parseCIDR(outer);
  const [addressInner, prefixInner] = ipaddr.IPv4.parseCIDR(inner);
  return prefixOuter <= prefixInner && addressInner.match(addressOuter, prefixOuter);
}

/**
 * Ranges excluded from "the internet": the non-public ranges plus any cluster network outside
 * them (a node network on public addresses must still be out of reach). Duplicates are dropped.
 */
export function blockedRanges(clusterCidrs: readonly string[]): string[] {
  const blocked: string[] = [...nonPublicRanges];
  for (const cidr of clusterCidrs.map(normaliseCidr)) {
    if (!blocked.some((range) => contains(range, cidr))) blocked.push(cidr);
  }
  return blocked;
}

export interface RunnerPolicies {
  readonly definitions: PolicyDefinition[];
  /** Problems with the inputs, each a sentence for the operator; empty when the policies are usable. */
  readonly problems: string[];
}

export interface RunnerPolicyInputs {
  /** TCP ports CI jobs may use towards the internet. */
  readonly ports: readonly number[];
  /** Private networks opened on purpose (a LAN forge, a registry mirror). */
  readonly allowCidrs: readonly string[];
  /** The cluster's own networks; empty means "somewhere in the private ranges". */
  readonly clusterCidrs: readonly string[];
  /** Labels of the registration Job's pods, the only ones that talk to the API server. */
  readonly registrationPods: Labels;
}

/**
 * The flows the runner namespace adds to PlatformNamespace's deny-all + DNS: every pod to the
 * internet on the configured ports, and the registration Job to the API server. There is no
 * ingress rule at all: nothing connects to a runner, runners poll the forge.
 *
 * An allowed CIDR that overlaps the cluster's own networks is refused, because it would hand
 * every job the nodes and the API server.
 */
export function runnerNetworkPolicies(inputs: RunnerPolicyInputs): RunnerPolicies {
  const problems: string[] = [];
  const allowed = [...new Set(inputs.allowCidrs.map(normaliseCidr))];
  for (const allow of allowed) {
    for (const cluster of inputs.clusterCidrs.map(normaliseCidr)) {
      if (overlaps(allow, cluster)) {
        problems.push(
          `runners.egress.allowCidrs: ${allow} overlaps the cluster network ${cluster}; CI jobs must not reach the cluster's own nodes`,
        );
      }
    }
  }
  const internet: Peer[] = [outside(blockedRanges(inputs.clusterCidrs)), ...allowed.map((block) => cidr(block))];
  const apiServer = inputs.clusterCidrs.length > 0 ? inputs.clusterCidrs.map(normaliseCidr) : [...privateRanges];
  return {
    problems,
    definitions: [
      {
        name: "allow-internet-egress",
        purpose: "runners and their jobs reach the forge, registries and mirrors; never the home network or the cluster",
        podSelector: {},
        egress: [{ peers: internet, ports: tcp(...inputs.ports) }],
      },
      {
        name: "allow-registration-apiserver",
        purpose: "the registration Job stores the runner identity in its Secret",
        podSelector: inputs.registrationPods,
        egress: [{ peers: apiServer.map((block) => cidr(block)), ports: tcp(...apiServerPorts) }],
      },
    ],
  };
}
