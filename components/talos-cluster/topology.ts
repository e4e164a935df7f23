import type { ClusterConfig, ClusterNodeConfig } from "../../config/schema";

/** Pure facts derived from the cluster config, shared by the VM, machine-config and client code. */

/** Port of the Kubernetes API on the control planes and the VIP. */
export const kubernetesApiPort = 6443;

export function controlPlaneNodes(cluster: Pick<ClusterConfig, "nodes">): ClusterNodeConfig[] {
  return cluster.nodes.filter((node) => node.role === "controlplane");
}

/**
 * The node that bootstraps etcd and answers the health check: the first control plane in config
 * order. Bootstrap talks to a node, never the VIP, which only exists once etcd is up.
 */
export function bootstrapNode(cluster: Pick<ClusterConfig, "nodes">): ClusterNodeConfig {
  const first = controlPlaneNodes(cluster)[0];
  // Only reachable with args that skipped the config checks, which require a control plane.
  if (!first) throw new Error("cluster.nodes has no node with role controlplane (args not validated by config/checks.ts)");
  return first;
}

/** Host part of the Kubernetes endpoint: the VIP when configured, else the bootstrap node. */
export function endpointHost(cluster: Pick<ClusterConfig, "nodes" | "vip">): string {
  return cluster.vip ?? bootstrapNode(cluster).ip;
}

export function clusterEndpoint(cluster: Pick<ClusterConfig, "nodes" | "vip">): string {
  return `https://${endpointHost(cluster)}:${kubernetesApiPort}`;
}

export function prefixLength(cidr: string): number {
  return Number(cidr.split("/")[1]);
}

/** Config accepts "1.36.1" and "v1.36.1"; image tags always carry the "v". */
export function kubernetesTag(version: string): string {
  return `v${version.replace(/^v/, "")}`;
}

/**
 * MAC address of a node's NIC, derived from its VM id so it is stable across re-creation and
 * known before the VM exists: the machine config selects the NIC by it. 02 = locally
 * administered unicast; 7a is our marker byte; the last four bytes are the VM id (ids stop
 * below 2^32). Upper case because that is how Proxmox stores it (no perpetual diff).
 */
export function nodeMacAddress(vmId: number): string {
  const bytes = [0x02, 0x7a, (vmId >>> 24) & 0xff, (vmId >>> 16) & 0xff, (vmId >>> 8) & 0xff, vmId & 0xff];
  return bytes.map((byte) => byte.toString(16).padStart(2, "0").toUpperCase()).join(":");
}
