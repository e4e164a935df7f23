import { clusterCapacity, nodeReserve } from "../../../components/talos-cluster/capacity";
import { nodeMachineConfig, type V1Alpha1Config } from "../../../components/talos-cluster/machine-config";
import type { ClusterNodeConfig, PlatformConfig } from "../../../config/schema";
import { cpuToMillis, memoryToMiB } from "../../../lib/quantity";
import { fakeSecretsBundle } from "./helpers/fake-secrets";
import { fixtureConfig } from "./helpers/fixture-config";
import { stackConfig } from "../../helpers/stack-config";

/**
 * The capacity report must subtract exactly what the generated machine configs reserve, so the
 * expectations here are read back out of those configs, not restated.
 */

/** The kubelet's default `memory.available` hard-eviction threshold (kubelet docs). */
const kubeletEvictionHardMiB = 100;

function reserveFromMachineConfig(config: PlatformConfig, node: ClusterNodeConfig) {
  const doc = nodeMachineConfig(config.cluster, node, fakeSecretsBundle())[0] as V1Alpha1Config;
  const { systemReserved, kubeReserved } = doc.machine.kubelet.extraConfig;
  const staticPods = [doc.cluster.apiServer, doc.cluster.controllerManager, doc.cluster.scheduler].flatMap((pod) => (pod ? [pod.resources.requests] : []));
  const amounts = [systemReserved, kubeReserved, ...staticPods];
  return {
    cpuMillis: amounts.reduce((total, amount) => total + (cpuToMillis(amount.cpu) as number), 0),
    memoryMiB: amounts.reduce((total, amount) => total + (memoryToMiB(amount.memory) as number), 0) + kubeletEvictionHardMiB,
  };
}

const configs: [string, PlatformConfig][] = [
  ["home", stackConfig("home")],
  ["lab", stackConfig("lab")],
  ["two-hosts", fixtureConfig("two-hosts")],
  ["three-hosts", fixtureConfig("three-hosts")],
];

describe.each(configs)("capacity of %s", (_label, config) => {
  const capacity = clusterCapacity(config.cluster, config.proxmox);
  const schedulable = config.cluster.nodes.filter((node) => node.role === "worker" || config.cluster.allowSchedulingOnControlPlanes);

  test("allocatable is the schedulable nodes' size minus what their machine configs reserve", () => {
    const reserves = schedulable.map((node) => reserveFromMachineConfig(config, node));
    expect(capacity.schedulableNodes).toBe(schedulable.length);
    expect(capacity.allocatableCpuMillis).toBe(schedulable.reduce((sum, node, i) => sum + node.cores * 1000 - reserves[i].cpuMillis, 0));
    expect(capacity.allocatableMemoryMiB).toBe(schedulable.reduce((sum, node, i) => sum + node.memoryMiB - reserves[i].memoryMiB, 0));
  });

  test("every node's reserve matches its machine config", () => {
    for (const node of config.cluster.nodes) expect(nodeReserve(node.role)).toEqual(reserveFromMachineConfig(config, node));
  });

  test("every Proxmox host is listed with the VMs placed on it", () => {
    expect(capacity.hosts.map((host) => host.name)).toEqual(config.proxmox.hosts.map((host) => host.name));
    for (const host of capacity.hosts) {
      const expected = config.cluster.nodes.filter((node) => node.host === host.name).map((n) => ({
        name: n.name,
        cores: n.cores,
        memoryMiB: n.memoryMiB,
        diskGiB: n.diskGiB,
        schedulable: n.role === "worker" || config.cluster.allowSchedulingOnControlPlanes,
      }));
      expect(host.vms).toEqual(expected);
    }
  });
});

test("control planes reserve more than workers (etcd and the control-plane pods)", () => {
  const controlPlane = nodeReserve("controlplane");
  const worker = nodeReserve("worker");
  expect(controlPlane.cpuMillis).toBeGreaterThan(worker.cpuMillis);
  expect(controlPlane.memoryMiB).toBeGreaterThan(worker.memoryMiB);
});
