import * as ipaddr from "ipaddr.js";
import type { NetworkPolicySpec, PeerSpec, RuleSpec } from "../../../../stacks/building-blocks/network-policy";

/**
 * A small NetworkPolicy evaluator with the Kubernetes semantics the platform relies on: a pod
 * selected by any policy of a direction is isolated in that direction and allows only what some
 * rule allows; a connection needs the client's egress and the server's ingress. Pods are matched
 * by labels (and namespace name); addresses outside pods (nodes, the internet) by ipBlock only.
 */

export type Endpoint =
  | { readonly kind: "pod"; readonly namespace: string; readonly labels: Readonly<Record<string, string>>; readonly ip: string }
  | { readonly kind: "host"; readonly ip: string };

export interface PlacedPolicy {
  readonly namespace: string;
  readonly spec: NetworkPolicySpec;
}

export function pod(namespace: string, labels: Readonly<Record<string, string>>, ip = "10.244.1.10"): Endpoint {
  return { kind: "pod", namespace, labels, ip };
}

export function host(ip: string): Endpoint {
  return { kind: "host", ip };
}

/** The default-deny every PlatformNamespace carries. */
export function defaultDeny(namespace: string): PlacedPolicy {
  return { namespace, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } };
}

function labelsMatch(selector: { matchLabels?: Record<string, string> } | undefined, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

function inCidr(ip: string, cidr: string): boolean {
  return ipaddr.IPv4.parse(ip).match(ipaddr.IPv4.parseCIDR(cidr));
}

function peerMatches(peer: PeerSpec, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) {
    // Pod IPs in ipBlocks are implementation-defined; the platform never relies on them.
    return other.kind === "host" && inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip, c));
  }
  if (other.kind !== "pod") return false;
  const namespaceOk = peer.namespaceSelector
    ? labelsMatch(peer.namespaceSelector, { "kubernetes.io/metadata.name": other.namespace })
    : other.namespace === policyNamespace;
  const podOk = peer.podSelector ? labelsMatch(peer.podSelector, other.labels) : true;
  return namespaceOk && podOk;
}

function ruleAllows(rule: RuleSpec, peers: PeerSpec[] | undefined, policyNamespace: string, other: Endpoint, port: number, protocol: string) {
  const portOk = !rule.ports || rule.ports.some((p) => p.port === port && p.protocol === protocol);
  const peerOk = !peers || peers.some((peer) => peerMatches(peer, policyNamespace, other));
  return portOk && peerOk;
}

function directionAllows(
  policies: readonly PlacedPolicy[],
  self: Endpoint,
  other: Endpoint,
  port: number,
  protocol: string,
  direction: "Ingress" | "Egress",
): boolean {
  if (self.kind !== "pod") return true;
  const selecting = policies.filter(
    (p) => p.namespace === self.namespace && p.spec.policyTypes.includes(direction) && labelsMatch(p.spec.podSelector, self.labels),
  );
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (direction === "Ingress" ? p.spec.ingress ?? [] : p.spec.egress ?? []).some((rule) =>
      ruleAllows(rule, direction === "Ingress" ? rule.from : rule.to, p.namespace, other, port, protocol),
    ),
  );
}

/** Whether `from` may open a connection to `to` on `port`. */
export function allows(policies: readonly PlacedPolicy[], from: Endpoint, to: Endpoint, port: number, protocol = "TCP"): boolean {
  return directionAllows(policies, from, to, port, protocol, "Egress") && directionAllows(policies, to, from, port, protocol, "Ingress");
}
