import fc from "fast-check";
import type { ClusterCapacity, WorkloadRequest } from "../../../lib/capacity";
import { capacityReport } from "../../../tools/plan/capacity";
import type { CapturedResource } from "../../../tools/plan/recorder";
import { Secret } from "../../../tools/plan/secrets";

function component(name: string, outputs: Record<string, unknown>): CapturedResource {
  return { urn: `urn:pulumi:s::p::c::${name}`, type: "test:index:C", name, dependsOn: [], protect: false, custom: false, inputs: {}, outputs, retainOnDelete: false, ignoreChanges: [] };
}

const cluster: ClusterCapacity = {
  hosts: [
    { name: "pve1", cpuCores: 16, memoryMiB: 65536, vms: [{ name: "cp-1", cores: 4, memoryMiB: 8192 }, { name: "w-1", cores: 6, memoryMiB: 16384 }] },
    { name: "pve2", cpuCores: 8, memoryMiB: 32768, vms: [{ name: "w-2", cores: 6, memoryMiB: 16384 }] },
  ],
  schedulableNodes: 3,
  allocatableCpuMillis: 10000,
  allocatableMemoryMiB: 40000,
};

const req = (stack: string, workload: string, replicas: number | "perNode", cpuMillis: number, memoryMiB: number): WorkloadRequest => ({ stack, workload, replicas, cpuMillis, memoryMiB });

test("DaemonSet requests count once per schedulable node; stacks and total add up", () => {
  const report = capacityReport([
    component("cluster", { capacity: cluster }),
    component("o11y", { workloadRequests: [req("observability", "prometheus", 2, 500, 2048), req("observability", "node-exporter", "perNode", 50, 64)] }),
    component("sec", { workloadRequests: [req("security", "tetragon", "perNode", 100, 256)] }),
  ])!;
  const o11y = report.stacks.find((s) => s.stack === "observability")!;
  expect(o11y.workloads.find((w) => w.workload === "node-exporter")!.effectiveReplicas).toBe(3);
  expect(o11y.cpuMillis).toBe(2 * 500 + 3 * 50);
  expect(o11y.memoryMiB).toBe(2 * 2048 + 3 * 64);
  expect(report.stacks.find((s) => s.stack === "security")!.cpuMillis).toBe(300);
  expect(report.total.cpuMillis).toBe(1150 + 300);
  expect(report.total.cpuPercent).toBe(14.5); // 1450 / 10000
  expect(report.total.memoryMiB).toBe(4288 + 768);
});

test("host usage sums the VMs placed on each host", () => {
  const [pve1, pve2] = capacityReport([component("cluster", { capacity: cluster })])!.hosts;
  expect(pve1).toMatchObject({ vmCores: 10, vmMemoryMiB: 24576, cpuPercent: 62.5, memoryPercent: 37.5 });
  expect(pve2).toMatchObject({ vmCores: 6, cpuPercent: 75, memoryPercent: 50 });
});

test("requests re-exported by a parent component are not counted twice; secret outputs still count", () => {
  const list = [req("runners", "arc", 1, 200, 256)];
  const report = capacityReport([
    component("cluster", { capacity: new Secret(cluster) }),
    component("child", { workloadRequests: list }),
    component("parent", { workloadRequests: list }),
  ])!;
  expect(report.total.cpuMillis).toBe(200);
  expect(report.schedulableNodes).toBe(3);
});

test("without a cluster capacity the totals have no percentages; without anything, no report", () => {
  const report = capacityReport([component("o11y", { workloadRequests: [req("o", "w", 1, 100, 100)] })])!;
  expect(report.total).toEqual({ cpuMillis: 100, memoryMiB: 100, cpuPercent: null, memoryPercent: null });
  expect(capacityReport([component("x", {})])).toBeUndefined();
});

test("property: total CPU = Σ cpu × (replicas, or schedulable nodes for perNode)", () => {
  const request = fc.record({
    replicas: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constant("perNode" as const)),
    cpuMillis: fc.integer({ min: 0, max: 4000 }),
    stack: fc.constantFrom("a", "b", "c"),
    workload: fc.string({ minLength: 1, maxLength: 6 }),
  });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 20 }), fc.uniqueArray(request, { selector: (r) => `${r.stack}/${r.workload}` }), (nodes, requests) => {
      const list = requests.map((r) => req(r.stack, r.workload, r.replicas, r.cpuMillis, 1));
      const report = capacityReport([component("c", { capacity: { ...cluster, schedulableNodes: nodes } }), component("w", { workloadRequests: list })]);
      const expected = list.reduce((sum, r) => sum + r.cpuMillis * (r.replicas === "perNode" ? nodes : r.replicas), 0);
      expect(report?.total.cpuMillis ?? 0).toBe(expected);
    }),
  );
});

test("volume claims (times replicas) against each schedulable node's disk: all on one node, and spread evenly", () => {
  const withDisks: ClusterCapacity = {
    ...cluster,
    hosts: [
      {
        name: "pve1",
        cpuCores: 16,
        memoryMiB: 65536,
        vms: [
          { name: "cp-1", cores: 4, memoryMiB: 8192, diskGiB: 50, schedulable: false },
          { name: "w-1", cores: 6, memoryMiB: 16384, diskGiB: 100, schedulable: true },
          { name: "w-2", cores: 6, memoryMiB: 16384, diskGiB: 40, schedulable: true },
        ],
      },
    ],
  };
  const report = capacityReport([
    component("cluster", { capacity: withDisks }),
    component("o11y", { workloadRequests: [{ ...req("observability", "prometheus", 2, 1, 1), volumeMiB: 20 * 1024 }, req("observability", "grafana", 1, 1, 1)] }),
    component("ci", { workloadRequests: [{ ...req("runners", "dind", 1, 1, 1), volumeMiB: 10 * 1024 }] }),
  ])!;
  expect(report.volumes.requestedMiB).toBe(50 * 1024);
  // The control plane runs no workloads, so it holds no volumes.
  expect(report.volumes.nodes).toEqual([
    { name: "w-1", diskGiB: 100, percent: 50, spreadPercent: 25 },
    { name: "w-2", diskGiB: 40, percent: 125, spreadPercent: 62.5 },
  ]);
});
