import { apiServerPorts, cidr, outside, pods, tcp, type FlowRule, type PolicyDefinition } from "../building-blocks/network-policy";
import { monitoringPodLabels } from "../observability";
import { metricsPort, podLabels, talosApiPort } from "./names";

/**
 * Flows of the backup workloads beyond their namespaces' default-deny and DNS. Egress leaves the
 * cluster only towards the S3 endpoint (MinIO), on its port; the rest is the API servers.
 */

export interface BackupPolicyInputs {
  /** Node network: the control-plane nodes' kube-apiserver (6443) and apid (50000) are there. */
  readonly nodeCidr: string;
  /** Pod and service ranges: in-cluster, never "the S3 endpoint"; the `kubernetes` Service's address is in them. */
  readonly podAndServiceCidrs: readonly string[];
  /** `backups.s3Cidrs`; empty means anywhere outside the cluster (NetworkPolicies cannot match a hostname). */
  readonly s3Cidrs: readonly string[];
  /** TCP port of the S3 endpoint. */
  readonly s3Port: number;
  /** Namespace of Prometheus, which scrapes Velero and the node agent. */
  readonly monitoringNamespace: string;
}

function s3Egress(inputs: BackupPolicyInputs): FlowRule {
  const peers = inputs.s3Cidrs.length > 0 ? inputs.s3Cidrs.map((block) => cidr(block)) : [outside(inputs.podAndServiceCidrs)];
  return { peers, ports: tcp(inputs.s3Port) };
}

function apiServer(inputs: BackupPolicyInputs): FlowRule {
  return { peers: [cidr(inputs.nodeCidr), ...inputs.podAndServiceCidrs.map((block) => cidr(block))], ports: tcp(...apiServerPorts) };
}

/** Velero's namespace: the server, the node agent, Velero's repository-maintenance Jobs and the CRD upgrade hook. */
export function veleroNetworkPolicies(inputs: BackupPolicyInputs): PolicyDefinition[] {
  return [
    {
      name: "velero-egress",
      purpose:
        "Velero, its node agent and its repository-maintenance Jobs read and write the backups bucket on the S3 endpoint and work through the Kubernetes API; nothing else leaves the namespace",
      // Every pod here is Velero's (server, node agents, the CRD-upgrade hook Job); its maintenance
      // Jobs carry a per-repository label value, so no fixed selector would match them all.
      podSelector: {},
      egress: [s3Egress(inputs), apiServer(inputs)],
    },
    {
      name: "velero-metrics",
      purpose: "Prometheus scrapes the Velero server and the node agents",
      podSelector: {},
      ingress: [{ peers: [pods(monitoringPodLabels.prometheus, inputs.monitoringNamespace)], ports: tcp(metricsPort) }],
    },
  ];
}

/** The etcd snapshot namespace: the CronJob's pods only. */
export function etcdNetworkPolicies(inputs: BackupPolicyInputs): PolicyDefinition[] {
  return [
    {
      name: "etcd-snapshot",
      purpose: "The snapshot job asks Talos' API on the control-plane nodes for an etcd snapshot and uploads it to the S3 endpoint",
      podSelector: podLabels.etcdSnapshot,
      egress: [{ peers: [cidr(inputs.nodeCidr)], ports: tcp(talosApiPort) }, s3Egress(inputs)],
    },
  ];
}
