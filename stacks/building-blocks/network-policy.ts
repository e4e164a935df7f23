import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Small, typed builders for NetworkPolicies. A stack describes each permitted flow as a
 * `PolicyDefinition` (plain data, easy to test and to read in a plan) and `createNetworkPolicies`
 * turns the list into resources. PlatformNamespace already denies everything and allows DNS, so
 * definitions only ever add allows.
 */

export type Labels = Readonly<Record<string, string>>;

export interface PolicyPort {
  readonly port: number;
  readonly protocol: "TCP" | "UDP";
}

/** The other end of a flow. */
export type Peer =
  /** Pods matching `labels` in the policy's own namespace, or in `namespace` when given. */
  | { readonly kind: "pods"; readonly labels: Labels; readonly namespace?: string }
  /** Every pod in every namespace (`namespaceSelector: {}`); hostNetwork pods are not included. */
  | { readonly kind: "allPods" }
  /** Addresses: node networks, or "the internet" as 0.0.0.0/0 minus cluster ranges. */
  | { readonly kind: "cidr"; readonly cidr: string; readonly except?: readonly string[] };

export interface FlowRule {
  readonly peers: readonly Peer[];
  /** Empty or absent means every port. */
  readonly ports?: readonly PolicyPort[];
}

export interface PolicyDefinition {
  /** metadata.name, and the suffix of the logical name. */
  readonly name: string;
  /** Why the flow exists; stored as an annotation so `kubectl describe` tells a reviewer. */
  readonly purpose: string;
  /** Pods the policy applies to; `{}` selects every pod in the namespace. */
  readonly podSelector: Labels;
  readonly ingress?: readonly FlowRule[];
  readonly egress?: readonly FlowRule[];
}

/** The Kubernetes API shapes the builders produce (plain data, assignable to the SDK's input types). */
export interface LabelSelectorSpec {
  readonly matchLabels?: Record<string, string>;
}
export interface PeerSpec {
  readonly podSelector?: LabelSelectorSpec;
  readonly namespaceSelector?: LabelSelectorSpec;
  readonly ipBlock?: { readonly cidr: string; readonly except?: string[] };
}
export interface RuleSpec {
  readonly from?: PeerSpec[];
  readonly to?: PeerSpec[];
  readonly ports?: { readonly port: number; readonly protocol: string }[];
}
export interface NetworkPolicySpec {
  readonly podSelector: LabelSelectorSpec;
  readonly policyTypes: string[];
  readonly ingress?: RuleSpec[];
  readonly egress?: RuleSpec[];
}

export const purposeAnnotation = "home-platform.dev/purpose";

/** The label Kubernetes sets on every namespace, used to select one by name. */
export const namespaceNameLabel = "kubernetes.io/metadata.name";

/**
 * The Kubernetes API server's ports, for pods that talk to it: 443 is the `kubernetes` Service's,
 * 6443 the API server's on the control-plane nodes. Which one a policy sees depends on whether the
 * CNI matches before or after the Service is translated (Cilium and Calico: after, so node
 * address and 6443), so policies allow both.
 */
export const apiServerPorts = [443, 6443] as const;

export function tcp(...ports: number[]): PolicyPort[] {
  return ports.map((port) => ({ port, protocol: "TCP" as const }));
}

export function pods(labels: Labels, namespace?: string): Peer {
  return namespace === undefined ? { kind: "pods", labels } : { kind: "pods", labels, namespace };
}

export const allPods: Peer = { kind: "allPods" };

export function cidr(block: string, except?: readonly string[]): Peer {
  return except && except.length > 0 ? { kind: "cidr", cidr: block, except } : { kind: "cidr", cidr: block };
}

/** Any IPv4 address outside `excluded` (the cluster's own ranges): what "egress to the internet" means here. */
export function outside(excluded: readonly string[]): Peer {
  return cidr("0.0.0.0/0", excluded);
}

/** A NetworkPolicy peer as the Kubernetes API spells it. */
export function peerSpec(peer: Peer): PeerSpec {
  switch (peer.kind) {
    case "pods":
      return peer.namespace === undefined
        ? { podSelector: { matchLabels: { ...peer.labels } } }
        : {
            namespaceSelector: { matchLabels: { [namespaceNameLabel]: peer.namespace } },
            podSelector: { matchLabels: { ...peer.labels } },
          };
    case "allPods":
      return { namespaceSelector: {} };
    case "cidr":
      return { ipBlock: peer.except ? { cidr: peer.cidr, except: [...peer.except] } : { cidr: peer.cidr } };
  }
}

function ruleSpec(rule: FlowRule, direction: "from" | "to"): RuleSpec {
  const ports = rule.ports && rule.ports.length > 0 ? rule.ports.map((p) => ({ port: p.port, protocol: p.protocol })) : undefined;
  return { [direction]: rule.peers.map(peerSpec), ...(ports ? { ports } : {}) };
}

/** The NetworkPolicy `spec` for a definition; policyTypes follow from which directions it lists. */
export function networkPolicySpec(definition: PolicyDefinition): NetworkPolicySpec {
  const ingress = definition.ingress?.map((rule) => ruleSpec(rule, "from"));
  const egress = definition.egress?.map((rule) => ruleSpec(rule, "to"));
  return {
    podSelector: selectorSpec(definition.podSelector),
    policyTypes: [...(ingress ? ["Ingress"] : []), ...(egress ? ["Egress"] : [])],
    ...(ingress ? { ingress } : {}),
    ...(egress ? { egress } : {}),
  };
}

function selectorSpec(labels: Labels): LabelSelectorSpec {
  return Object.keys(labels).length === 0 ? {} : { matchLabels: { ...labels } };
}

/**
 * One NetworkPolicy per definition in `namespace`, named `${prefix}-${definition.name}`.
 * Definition names must be unique: they are both the object names and the logical names.
 */
export function createNetworkPolicies(
  prefix: string,
  namespace: pulumi.Input<string>,
  definitions: readonly PolicyDefinition[],
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy[] {
  const seen = new Set<string>();
  return definitions.map((definition) => {
    if (seen.has(definition.name)) throw new Error(`duplicate NetworkPolicy name ${definition.name} under ${prefix}`);
    seen.add(definition.name);
    return new k8s.networking.v1.NetworkPolicy(
      `${prefix}-${definition.name}`,
      {
        metadata: { name: definition.name, namespace, annotations: { [purposeAnnotation]: definition.purpose } },
        spec: networkPolicySpec(definition),
      },
      opts,
    );
  });
}
