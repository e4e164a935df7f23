import { nodeMachineConfig } from "../../../components/talos-cluster/machine-config";
import { machineFoundationsPatch } from "../../../components/talos-cluster/machine-foundations";
import { toYamlDocuments } from "../../../components/talos-cluster/serialize";
import { fakeSecretsBundle } from "./helpers/fake-secrets";
import { stackConfig } from "../../helpers/stack-config";
import { validateYamlDocuments } from "./helpers/talos-schema";

type Doc = Record<string, any>;

/** The foundations' machine-config patch (Talos Cilium guide, local-storage guide) against the Talos v1.13.9 schema. */
describe.each(["home", "lab"] as const)("%s with the foundations' patch", (stack) => {
  const config = stackConfig(stack);
  const patch = machineFoundationsPatch({ cni: true, hostpathBase: "/var/openebs/local" });

  test.each(config.cluster.nodes.map((node) => [node.name, node] as const))("%s validates and carries cni none, no kube-proxy, the kubelet mount", (_name, node) => {
    const documents = nodeMachineConfig(config.cluster, node, fakeSecretsBundle(), undefined, patch) as Doc[];
    expect(validateYamlDocuments(toYamlDocuments(documents))).toEqual([]);
    const v1 = documents[0];
    expect(v1.cluster.network).toMatchObject({ cni: { name: "none" }, podSubnets: [config.cluster.network.podCidr] });
    expect(v1.cluster.proxy).toMatchObject({ disabled: true });
    expect(v1.machine.kubelet.extraMounts).toEqual([{ destination: "/var/openebs/local", type: "bind", source: "/var/openebs/local", options: ["bind", "rshared", "rw"] }]);
    // The platform's own kubelet settings survive the merge.
    expect(v1.machine.kubelet.extraConfig).toBeDefined();
  });

  test("a node patch with its own kubelet.extraMounts replaces the list (merge.ts: lists replace), so it must repeat the hostpath mount", () => {
    const node = { ...config.cluster.nodes[0], patches: [{ machine: { kubelet: { extraMounts: [{ destination: "/var/mnt/x", type: "bind", source: "/var/mnt/x", options: ["bind"] }] } } }] };
    const v1 = (nodeMachineConfig(config.cluster, node, fakeSecretsBundle(), undefined, patch) as Doc[])[0];
    expect(v1.machine.kubelet.extraMounts.map((m: Doc) => m.destination)).toEqual(["/var/mnt/x"]);
  });
});

test("no foundations, no patch: Talos' defaults stay untouched", () => {
  expect(machineFoundationsPatch(undefined)).toBeUndefined();
  expect(machineFoundationsPatch({ cni: false })).toBeUndefined();
  expect(machineFoundationsPatch({ cni: false, hostpathBase: "/var/x" })).toEqual({ machine: { kubelet: { extraMounts: [expect.objectContaining({ destination: "/var/x" })] } } });
});
