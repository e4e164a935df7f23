import type { ClusterConfig, ClusterNodeConfig, ProxmoxConfig } from "../../config/schema";
import type { ClusterCapacity } from "../../lib/capacity";
import { cpuToMillis, memoryToMiB } from "../../lib/quantity";
import { controlPlanePodResources, kubeletEvictionHardMemoryMiB, kubeletReservations, type ResourceAmounts } from "./platform-defaults";

/**
 * What the cluster offers platform workloads, from the same reservation objects that go into the
 * machine configs. Per node, pods get the VM's cores and memory minus:
 *
 * - the kubelet's `systemReserved` + `kubeReserved` (Talos services, containerd, kubelet; on
 *   control planes also etcd, which runs outside Kubernetes);
 * - the kubelet's 100 MiB hard-eviction threshold for memory;
 * - on control planes, the requests of kube-apiserver, controller-manager and scheduler, which
 *   are pods the scheduler counts like any other.
 */

export interface NodeReserve {
  readonly cpuMillis: number;
  readonly memoryMiB: number;
}

function sum(amounts: readonly ResourceAmounts[]): NodeReserve {
  return amounts.reduce(
    (total, amount) => ({
      cpuMillis: total.cpuMillis + (cpuToMillis(amount.cpu) ?? Number.NaN),
      memoryMiB: total.memoryMiB + (memoryToMiB(amount.memory) ?? Number.NaN),
    }),
    { cpuMillis: 0, memoryMiB: 0 },
  );
}

export function nodeReserve(role: ClusterNodeConfig["role"]): NodeReserve {
  const { systemReserved, kubeReserved } = kubeletReservations[role];
  const staticPods = role === "controlplane" ? Object.values(controlPlanePodResources).map((pod) => pod.requests) : [];
  const reserved = sum([systemReserved, kubeReserved, ...staticPods]);
  return { cpuMillis: reserved.cpuMillis, memoryMiB: reserved.memoryMiB + kubeletEvictionHardMemoryMiB };
}

/** Nodes the scheduler may place platform workloads on. */
export function schedulableNodes(cluster: Pick<ClusterConfig, "nodes" | "allowSchedulingOnControlPlanes">): ClusterNodeConfig[] {
  return cluster.nodes.filter((node) => node.role === "worker" || cluster.allowSchedulingOnControlPlanes);
}

export function clusterCapacity(cluster: ClusterConfig, proxmox: Pick<ProxmoxConfig, "hosts">): ClusterCapacity {
  const hosts = proxmox.hosts.map((host) => ({
    name: host.name,
    cpuCores: host.cpuCores,
    memoryMiB: host.memoryMiB,
    vms: cluster.nodes
      .filter((node) => node.host === host.name)
      .map((node) => ({
        name: node.name,
        cores: node.cores,
        memoryMiB: node.memoryMiB,
        diskGiB: node.diskGiB,
        schedulable: node.role === "worker" || cluster.allowSchedulingOnControlPlanes,
      })),
  }));
  const nodes = schedulableNodes(cluster);
  const allocatable = nodes.map((node) => {
    const reserve = nodeReserve(node.role);
    return {
      cpuMillis: Math.max(0, node.cores * 1000 - reserve.cpuMillis),
      memoryMiB: Math.max(0, node.memoryMiB - reserve.memoryMiB),
    };
  });
  return {
    hosts,
    schedulableNodes: nodes.length,
    allocatableCpuMillis: allocatable.reduce((total, node) => total + node.cpuMillis, 0),
    allocatableMemoryMiB: allocatable.reduce((total, node) => total + node.memoryMiB, 0),
  };
}
