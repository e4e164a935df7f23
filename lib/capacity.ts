/**
 * What the platform asks of the cluster, in a shape every stack can report and the offline plan
 * can add up. Stacks derive these from the same config objects they put into Helm values, so the
 * capacity table and the deployed requests cannot drift apart.
 */

import { cpuToMillis, memoryToMiB } from "./quantity";

/** One workload's requests. `replicas: "perNode"` marks a DaemonSet: multiplied by the node count. */
export interface WorkloadRequest {
  /** Stack or component that runs it, e.g. "observability". */
  readonly stack: string;
  /** Workload name as a reviewer knows it, e.g. "prometheus" or "tetragon". */
  readonly workload: string;
  readonly replicas: number | "perNode";
  readonly cpuMillis: number;
  readonly memoryMiB: number;
  /** PersistentVolumeClaim sizes per replica (local volumes: on the node disk of wherever the pod first ran). */
  readonly volumeMiB?: number;
}

/** `request` with its PersistentVolumeClaims' sizes ("50Gi", ...) added up as `volumeMiB`. */
export function withVolumes(request: WorkloadRequest, ...sizes: readonly string[]): WorkloadRequest {
  return { ...request, volumeMiB: sizes.reduce((total, size) => total + (memoryToMiB(size) ?? 0), request.volumeMiB ?? 0) };
}

/** A Proxmox host and the VMs placed on it. */
export interface HostCapacity {
  readonly name: string;
  readonly cpuCores: number;
  readonly memoryMiB: number;
  /** `diskGiB`: the system disk, whose /var partition also holds the hostpath volumes. `schedulable`: runs workloads (and so volumes). */
  readonly vms: readonly { readonly name: string; readonly cores: number; readonly memoryMiB: number; readonly diskGiB?: number; readonly schedulable?: boolean }[];
}

/** What the Kubernetes nodes that accept workloads offer, after the reserve for Talos/kubelet. */
export interface ClusterCapacity {
  readonly hosts: readonly HostCapacity[];
  readonly schedulableNodes: number;
  readonly allocatableCpuMillis: number;
  readonly allocatableMemoryMiB: number;
}

/** Resource requests/limits as Kubernetes and every chart spell them. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

/** The request half of `resources`, as a capacity line. */
export function workloadRequest(
  stack: string,
  workload: string,
  replicas: number | "perNode",
  resources: ContainerResources,
): WorkloadRequest {
  return {
    stack,
    workload,
    replicas,
    cpuMillis: cpuToMillis(resources.requests.cpu) ?? 0,
    memoryMiB: memoryToMiB(resources.requests.memory) ?? 0,
  };
}

/**
 * `resources` for a chart whose defaults carry limits of their own. Helm merges maps, so a chart's
 * `limits.cpu` survives values that only set `limits.memory`; null is Helm's way to delete a
 * default key (pulumi-kubernetes passes nulls through since 4.30). Config leaves CPU limits
 * unset on purpose (they throttle bursty pods), so unset here means "none", not "the chart's".
 */
export function chartResources(resources: ContainerResources): {
  requests: ContainerResources["requests"];
  limits: { cpu: string | null; memory: string };
} {
  return { requests: { ...resources.requests }, limits: { memory: resources.limits.memory, cpu: resources.limits.cpu ?? null } };
}
