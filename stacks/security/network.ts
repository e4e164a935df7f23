import { apiServerPorts, cidr, pods, tcp, type PolicyDefinition } from "../building-blocks/network-policy";
import { podLabels as monitoringPodLabels } from "../observability/metrics/names";

/**
 * Flows in the Tetragon namespace beyond default-deny and DNS. The agent DaemonSet runs on the
 * host network (the chart's default, needed for process visibility), where NetworkPolicies do not
 * apply: Prometheus scrapes it on the nodes' port 2112. Only the operator is a normal pod.
 */

/** Selector labels of the chart's operator Deployment (values.yaml `tetragonOperator.affinity`). */
export const operatorPodLabels = { "app.kubernetes.io/name": "tetragon-operator" } as const;

/** The chart's metrics ports (`tetragon.prometheus.port`, `tetragonOperator.prometheus.port`). */
export const metricsPorts = { agent: 2112, operator: 2113 } as const;

export interface SecurityPolicyInputs {
  /** Cluster ranges: the control-plane nodes and the `kubernetes` Service's address are among them. */
  readonly clusterCidrs: readonly string[];
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
    egress: [{ peers: inputs.clusterCidrs.map((block) => cidr(block)), ports: tcp(...apiServerPorts) }],
  };
}
