import type { FoundationsConfig } from "../../config/schema";

/**
 * Helm values for Cilium 1.20 on Talos (siderolabs docs, "Deploying Cilium CNI"; keys checked
 * against the pinned chart's values.yaml in tests/stacks/foundations/values.test.ts).
 */

/** Talos forbids CAP_SYS_MODULE (and SYS_BOOT) to every process: the chart's list without it. */
export const ciliumAgentCapabilities = [
  "CHOWN", "KILL", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "SYS_ADMIN", "SYS_RESOURCE", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID", "SYSLOG",
] as const;

export const ciliumResources = {
  agent: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
  operator: { requests: { cpu: "25m", memory: "128Mi" }, limits: { memory: "256Mi" } },
} as const;

export interface CiliumValuesArgs {
  readonly config: FoundationsConfig;
  /** Nodes in the cluster: the operator runs one replica per node up to two (its anti-affinity is required). */
  readonly nodeCount: number;
  /** KubePrism, Talos' on-node API load balancer: the only API address that works before kube-proxy-free Services exist. */
  readonly kubePrismPort: number;
}

export function ciliumValues(args: CiliumValuesArgs): Record<string, unknown> {
  const { config } = args;
  return {
    // Talos hands each node its podCIDR from cluster.network.podSubnets.
    ipam: { mode: "kubernetes" },
    // Talos runs no kube-proxy (proxy.disabled); L2 announcements need the replacement anyway.
    kubeProxyReplacement: true,
    k8sServiceHost: "localhost",
    k8sServicePort: args.kubePrismPort,
    securityContext: {
      capabilities: {
        ciliumAgent: [...ciliumAgentCapabilities],
        cleanCiliumState: ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"],
      },
    },
    // Talos mounts cgroup v2 itself.
    cgroup: { autoMount: { enabled: false }, hostRoot: "/sys/fs/cgroup" },
    // Our NetworkPolicies allow the API server and node-exporter/kubelets by the node network's
    // CIDR. Cilium evaluates policy after Service translation and, by default, never matches node
    // addresses by CIDR (they are the host/remote-node entities); "nodes" makes ipBlock rules see them.
    policyCIDRMatchMode: ["nodes"],
    l2announcements: { enabled: config.loadBalancer.enabled },
    // L2 leases add API calls per announced Service (Cilium L2 docs): above the 10/20 default.
    k8sClientRateLimit: { qps: 30, burst: 60 },
    // ConfigMap changes (e.g. turning L2 on) reach the agents only through a restart.
    rollOutCiliumPods: true,
    // Envoy Gateway implements the Gateway API here; Cilium's own would claim the same CRDs.
    gatewayAPI: { enabled: false },
    hubble: {
      enabled: config.cni.hubble,
      relay: { enabled: false },
      ui: { enabled: false },
      // The chart's default ("helm") regenerates certificates whenever it cannot look them up: a
      // diff on every run. The CronJob method creates them in-cluster once.
      tls: { auto: { method: "cronJob" } },
    },
    resources: ciliumResources.agent,
    operator: {
      // Its podAntiAffinity is required: a second replica on a one-node cluster stays Pending.
      replicas: Math.min(2, args.nodeCount),
      rollOutPods: true,
      resources: ciliumResources.operator,
    },
  };
}
