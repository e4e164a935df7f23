/**
 * Adds up what components report through `lib/capacity.ts` outputs: VMs placed per Proxmox host,
 * and the platform's workload requests against what the schedulable nodes can allocate.
 */
import type { ClusterCapacity, WorkloadRequest } from "../../lib/capacity";
import type { CapturedResource } from "./recorder";
import { unwrapSecrets } from "./secrets";

export interface HostUsage {
  readonly name: string;
  readonly cpuCores: number;
  readonly memoryMiB: number;
  readonly vmCores: number;
  readonly vmMemoryMiB: number;
  readonly cpuPercent: number | null;
  readonly memoryPercent: number | null;
  readonly vms: readonly { readonly name: string; readonly cores: number; readonly memoryMiB: number }[];
}

export interface RequestTotals {
  readonly cpuMillis: number;
  readonly memoryMiB: number;
  /** Of the cluster's allocatable; null when no component reported a `capacity`. */
  readonly cpuPercent: number | null;
  readonly memoryPercent: number | null;
}

export interface StackRequests extends RequestTotals {
  readonly stack: string;
  readonly workloads: readonly (WorkloadRequest & { readonly effectiveReplicas: number })[];
}

/**
 * Local volumes (OpenEBS hostpath) live on the node disk of wherever their pod first ran, and
 * nothing spreads them: the worst case is every claim on one node. Each schedulable node's disk
 * is set against all claims together.
 */
export interface VolumeUsage {
  /** Every claim of every replica, in MiB. */
  readonly requestedMiB: number;
  /** `percent`: all claims on this node (the worst case); `spreadPercent`: claims spread evenly over the schedulable nodes. */
  readonly nodes: readonly { readonly name: string; readonly diskGiB: number; readonly percent: number | null; readonly spreadPercent: number | null }[];
}

export interface CapacityReport {
  readonly hosts: readonly HostUsage[];
  readonly volumes: VolumeUsage;
  readonly schedulableNodes: number;
  readonly allocatableCpuMillis: number;
  readonly allocatableMemoryMiB: number;
  readonly stacks: readonly StackRequests[];
  readonly total: RequestTotals;
}

/** Undefined when no component reported capacity or workload requests. */
export function capacityReport(resources: readonly CapturedResource[]): CapacityReport | undefined {
  const clusters: ClusterCapacity[] = [];
  const requests: WorkloadRequest[] = [];
  const seen = new Set<string>();
  for (const resource of resources) {
    if (resource.custom || !resource.outputs) continue;
    const outputs = unwrapSecrets(resource.outputs) as Record<string, unknown>;
    if (isClusterCapacity(outputs.capacity)) clusters.push(outputs.capacity);
    if (Array.isArray(outputs.workloadRequests)) {
      for (const request of outputs.workloadRequests) {
        if (!isWorkloadRequest(request)) continue;
        // A parent that re-exports its children's requests must not count them twice.
        const key = JSON.stringify([request.stack, request.workload, request.replicas, request.cpuMillis, request.memoryMiB]);
        if (!seen.has(key)) requests.push(request);
        seen.add(key);
      }
    }
  }
  if (clusters.length === 0 && requests.length === 0) return undefined;

  // One cluster per program is the design; should there be more, their capacity adds up.
  const hosts = clusters.flatMap((c) => c.hosts).map(hostUsage);
  const schedulableNodes = sum(clusters.map((c) => c.schedulableNodes));
  const allocatableCpuMillis = sum(clusters.map((c) => c.allocatableCpuMillis));
  const allocatableMemoryMiB = sum(clusters.map((c) => c.allocatableMemoryMiB));
  const known = clusters.length > 0;
  const totals = (cpuMillis: number, memoryMiB: number): RequestTotals => ({
    cpuMillis,
    memoryMiB,
    cpuPercent: known ? percent(cpuMillis, allocatableCpuMillis) : null,
    memoryPercent: known ? percent(memoryMiB, allocatableMemoryMiB) : null,
  });

  const byStack = new Map<string, (WorkloadRequest & { effectiveReplicas: number })[]>();
  for (const request of requests) {
    const effectiveReplicas = request.replicas === "perNode" ? schedulableNodes : request.replicas;
    const list = byStack.get(request.stack) ?? [];
    list.push({ ...request, effectiveReplicas });
    byStack.set(request.stack, list);
  }
  const stacks = [...byStack].map(([stack, workloads]): StackRequests => ({
    stack,
    workloads,
    ...totals(sum(workloads.map((w) => w.cpuMillis * w.effectiveReplicas)), sum(workloads.map((w) => w.memoryMiB * w.effectiveReplicas))),
  }));
  const total = totals(sum(stacks.map((s) => s.cpuMillis)), sum(stacks.map((s) => s.memoryMiB)));
  const requestedMiB = sum(stacks.flatMap((s) => s.workloads.map((w) => (w.volumeMiB ?? 0) * w.effectiveReplicas)));
  const diskNodes = clusters
    .flatMap((c) => c.hosts.flatMap((h) => h.vms))
    .filter((vm) => vm.schedulable !== false && vm.diskGiB !== undefined)
    .map((vm) => ({ name: vm.name, diskGiB: vm.diskGiB! }));
  const volumeNodes = diskNodes.map((node) => ({
    ...node,
    percent: percent(requestedMiB, node.diskGiB * 1024),
    spreadPercent: percent(requestedMiB / diskNodes.length, node.diskGiB * 1024),
  }));
  const volumes: VolumeUsage = { requestedMiB, nodes: volumeNodes };
  return { hosts, volumes, schedulableNodes, allocatableCpuMillis, allocatableMemoryMiB, stacks, total };
}

function hostUsage(host: ClusterCapacity["hosts"][number]): HostUsage {
  const vmCores = sum(host.vms.map((vm) => vm.cores));
  const vmMemoryMiB = sum(host.vms.map((vm) => vm.memoryMiB));
  return {
    name: host.name,
    cpuCores: host.cpuCores,
    memoryMiB: host.memoryMiB,
    vmCores,
    vmMemoryMiB,
    cpuPercent: percent(vmCores, host.cpuCores),
    memoryPercent: percent(vmMemoryMiB, host.memoryMiB),
    vms: host.vms,
  };
}

function percent(used: number, available: number): number | null {
  return available > 0 ? Math.round((used / available) * 1000) / 10 : null;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function isClusterCapacity(value: unknown): value is ClusterCapacity {
  const v = value as ClusterCapacity | undefined;
  return typeof v === "object" && v !== null && Array.isArray(v.hosts) && typeof v.schedulableNodes === "number";
}

function isWorkloadRequest(value: unknown): value is WorkloadRequest {
  const v = value as WorkloadRequest | undefined;
  return (
    typeof v === "object" && v !== null && typeof v.stack === "string" && typeof v.workload === "string" &&
    (typeof v.replicas === "number" || v.replicas === "perNode") && typeof v.cpuMillis === "number" && typeof v.memoryMiB === "number"
  );
}
