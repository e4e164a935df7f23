import { apiServerPorts, cidr, pods, tcp, type PolicyDefinition } from "../building-blocks/network-policy";
import { monitoringPodLabels } from "../observability";
import { metricsPorts, operatorPodLabels } from "./public";

/**
 * Flows in the Tetragon namespace beyond default-deny and DNS. The agent DaemonSet runs on the
 * host network (the chart's default, needed for process visibility), where NetworkPolicies do not
 * apply: Prometheus scrapes it on the nodes' port 2112. Only the operator is a normal pod.
 */

export interface SecurityPolicyInputs {
  /** The node network and the pod and service CIDRs: the control-plane nodes and the `kubernetes` Service's address are among them. */
  readonly nodePodAndServiceCidrs: readonly string[];
  /** Namespace of Prometheus, which scrapes the operator. */
  readonly monitoringNamespace: string;
}

/** Name and purpose of the operator's policy: fixed, so the resource exists before the namespace name resolves. */
export const operatorPolicy = {
  name: "tetragon-operator",
  purpose: "The Tetragon operator installs the TracingPolicy CRDs through the API; Prometheus scrapes its metrics",
} as const;

export function operatorNetworkPolicy(inputs: SecurityPolicyInputs): PolicyDefinition {
  return {
    ...operatorPolicy,
    podSelector: operatorPodLabels,
    ingress: [{ peers: [pods(monitoringPodLabels.prometheus, inputs.monitoringNamespace)], ports: tcp(metricsPorts.operator) }],
    egress: [{ peers: inputs.nodePodAndServiceCidrs.map((block) => cidr(block)), ports: tcp(...apiServerPorts) }],
  };
}
