import { cidrContains, normaliseCidr } from "../../lib/cidr";
import { apiServerPorts, cidr, outside, tcp, type Labels, type Peer, type PolicyDefinition } from "../building-blocks/network-policy";

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

/**
 * Ranges excluded from "the internet": the non-public ranges plus any cluster network outside
 * them (a node network on public addresses must still be out of reach). Duplicates are dropped.
 */
export function blockedRanges(nodePodAndServiceCidrs: readonly string[]): string[] {
  const blocked: string[] = [...nonPublicRanges];
  for (const cidr of nodePodAndServiceCidrs.map(normaliseCidr)) {
    if (!blocked.some((range) => cidrContains(range, cidr))) blocked.push(cidr);
  }
  return blocked;
}

export interface RunnerPolicyInputs {
  /** TCP ports CI jobs may use towards the internet. */
  readonly ports: readonly number[];
  /** Private networks opened on purpose (a LAN forge, a registry mirror). */
  readonly allowCidrs: readonly string[];
  /** The node network and the pod and service CIDRs; empty means "the API server is somewhere in the private ranges". */
  readonly nodePodAndServiceCidrs: readonly string[];
  /** Labels of the registration Job's pods, the only ones that talk to the API server. */
  readonly registrationPods: Labels;
}

/**
 * The flows the runner namespace adds to PlatformNamespace's deny-all + DNS: every pod to the
 * internet on the configured ports, and the registration Job to the API server. There is no
 * ingress rule at all: nothing connects to a runner, runners poll the forge.
 *
 * An allowed CIDR that overlaps the cluster's own networks would hand every job the nodes and the
 * API server; the config layer refuses that (config/checks.ts), before any resource exists.
 */
export function runnerNetworkPolicies(inputs: RunnerPolicyInputs): PolicyDefinition[] {
  const allowed = [...new Set(inputs.allowCidrs.map(normaliseCidr))];
  const internet: Peer[] = [outside(blockedRanges(inputs.nodePodAndServiceCidrs)), ...allowed.map((block) => cidr(block))];
  const apiServer = inputs.nodePodAndServiceCidrs.length > 0 ? inputs.nodePodAndServiceCidrs.map(normaliseCidr) : [...privateRanges];
  return [
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
  ];
}
