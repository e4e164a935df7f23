import * as ipaddr from "ipaddr.js";
import * as YAML from "yaml";
import { installerImage, nodeMachineConfig, type V1Alpha1Config } from "../../../components/talos-cluster/machine-config";
import { toYamlDocuments } from "../../../components/talos-cluster/serialize";
import { nodeMacAddress } from "../../../components/talos-cluster/topology";
import { nodeVmArgs } from "../../../components/talos-cluster/vm";
import type { ClusterNodeConfig, PlatformConfig } from "../../../config/schema";
import { fakeSecretsBundle } from "./helpers/fake-secrets";
import { fixtureConfig } from "./helpers/fixture-config";
import { stackConfig } from "../../helpers/stack-config";
import { validateYamlDocuments } from "./helpers/talos-schema";

type Doc = Record<string, unknown>;

const configs: [string, PlatformConfig][] = [
  ["home", stackConfig("home")],
  ["lab", stackConfig("lab")],
  ["fixture two-hosts", fixtureConfig("two-hosts")],
  ["fixture three-hosts", fixtureConfig("three-hosts")],
];

function documentsFor(config: PlatformConfig, node: ClusterNodeConfig): Doc[] {
  return nodeMachineConfig(config.cluster, node, fakeSecretsBundle()) as Doc[];
}

const v1alpha1 = (documents: Doc[]) => documents.find((d) => d.version === "v1alpha1") as unknown as V1Alpha1Config;
const ofKind = (documents: Doc[], kind: string) => documents.filter((d) => d.kind === kind);

describe.each(configs)("machine configs for %s", (_label, config) => {
  const { cluster } = config;
  const nodes = cluster.nodes.map((node) => [node.name, node] as const);

  test.each(nodes)("%s validates against the Talos v1.13.9 schema", (_name, node) => {
    expect(validateYamlDocuments(toYamlDocuments(documentsFor(config, node)))).toEqual([]);
  });

  test.each(nodes)("%s carries its role, kubelet/installer pins and node subnet", (_name, node) => {
    const doc = v1alpha1(documentsFor(config, node));
    expect(doc.machine.type).toBe(node.role);
    const tag = `v${cluster.kubernetesVersion.replace(/^v/, "")}`;
    expect(doc.machine.kubelet.image).toBe(`ghcr.io/siderolabs/kubelet:${tag}`);
    expect(doc.cluster.proxy.image.endsWith(`:${tag}`)).toBe(true);
    const vipExcluded = node.role === "controlplane" && cluster.vip ? [`!${cluster.vip}/32`] : [];
    expect(doc.machine.kubelet.nodeIP.validSubnets).toEqual([cluster.network.cidr, ...vipExcluded]);
    if (node.role === "controlplane") expect(doc.cluster.etcd?.advertisedSubnets).toEqual([cluster.network.cidr, ...vipExcluded]);
    expect(doc.machine.install).toMatchObject({
      disk: cluster.installDisk,
      image: `factory.talos.dev/nocloud-installer/${cluster.schematicId}:${cluster.talosVersion}`,
    });
    expect(doc.cluster.clusterName).toBe(cluster.name);
    expect(doc.cluster.network.podSubnets).toEqual([cluster.network.podCidr]);
    expect(doc.cluster.network.serviceSubnets).toEqual([cluster.network.serviceCidr]);
  });

  test.each(nodes)("%s gets its static address, gateway, DNS and hostname", (_name, node) => {
    const documents = documentsFor(config, node);
    const prefix = ipaddr.IPv4.parseCIDR(cluster.network.cidr)[1];
    const [link] = ofKind(documents, "LinkConfig");
    expect(link).toMatchObject({ addresses: [{ address: `${node.ip}/${prefix}` }], routes: [{ gateway: cluster.network.gateway }] });
    expect(ofKind(documents, "ResolverConfig")[0].nameservers).toEqual(cluster.network.nameservers.map((address) => ({ address })));
    expect(ofKind(documents, "HostnameConfig")[0].hostname).toBe(node.name);
    // The alias must select the NIC Proxmox creates for this VM, whatever the kernel names it.
    const [alias] = ofKind(documents, "LinkAliasConfig");
    expect(alias.name).toBe(link.name);
    const vmMac = nodeVmArgs(cluster, node, "local:iso/talos.img").networkDevices as { macAddress: string }[];
    expect((alias.selector as { match: string }).match).toBe(`mac(link.permanent_addr) == "${vmMac[0].macAddress.toLowerCase()}"`);
  });

  test.each(nodes)("%s points at the cluster endpoint (VIP if set, else the first control plane)", (_name, node) => {
    const firstControlPlane = cluster.nodes.find((n) => n.role === "controlplane");
    const host = cluster.vip ?? firstControlPlane?.ip;
    expect(v1alpha1(documentsFor(config, node)).cluster.controlPlane.endpoint).toBe(`https://${host}:6443`);
  });

  test.each(nodes)("%s announces the VIP only when it is a control plane and a VIP is configured", (_name, node) => {
    const vips = ofKind(documentsFor(config, node), "Layer2VIPConfig");
    if (node.role === "controlplane" && cluster.vip) expect(vips).toEqual([expect.objectContaining({ name: cluster.vip })]);
    else expect(vips).toEqual([]);
  });
});

describe("control-plane and worker secrets", () => {
  const config = fixtureConfig("two-hosts");
  const secrets = fakeSecretsBundle();
  const controlPlane = config.cluster.nodes.find((node) => node.role === "controlplane") as ClusterNodeConfig;
  const worker = config.cluster.nodes.find((node) => node.role === "worker") as ClusterNodeConfig;

  test("a control plane carries every CA key, etcd, the service-account key and the encryption secret", () => {
    const doc = v1alpha1(documentsFor(config, controlPlane));
    expect(doc.machine.ca).toEqual(secrets.osCa);
    expect(doc.cluster.ca).toEqual(secrets.kubernetesCa);
    expect(doc.cluster.aggregatorCA).toEqual(secrets.aggregatorCa);
    expect(doc.cluster.etcd?.ca).toEqual(secrets.etcdCa);
    expect(doc.cluster.serviceAccount).toEqual({ key: secrets.serviceAccountKey });
    expect(doc.cluster.secretboxEncryptionSecret).toBe(secrets.secretboxKey);
    expect([doc.machine.token, doc.cluster.token]).toEqual([secrets.trustdToken, secrets.bootstrapToken]);
  });

  test("a worker gets the CA certificates and join tokens but no private key or control-plane secret", () => {
    const yaml = toYamlDocuments(documentsFor(config, worker));
    const controlPlaneOnly = [
      secrets.osCa.key,
      secrets.kubernetesCa.key,
      secrets.aggregatorCa.key,
      secrets.etcdCa.key,
      secrets.serviceAccountKey,
      secrets.secretboxKey,
    ] as string[];
    for (const secret of controlPlaneOnly) expect(yaml).not.toContain(secret);
    const doc = v1alpha1(documentsFor(config, worker));
    expect(doc.machine.ca).toEqual({ crt: secrets.osCa.crt });
    expect(doc.cluster.ca).toEqual({ crt: secrets.kubernetesCa.crt });
    expect([doc.machine.token, doc.cluster.token]).toEqual([secrets.trustdToken, secrets.bootstrapToken]);
  });

  test("the API server certificate names the VIP and every control plane", () => {
    const doc = v1alpha1(documentsFor(config, controlPlane));
    const expected = [config.cluster.vip, ...config.cluster.nodes.filter((n) => n.role === "controlplane").map((n) => n.ip)];
    expect(doc.cluster.apiServer?.certSANs).toEqual(expected);
  });
});

describe("platform settings", () => {
  test("pod security stays at Talos's defaults: enforce baseline, audit and warn restricted, kube-system exempt", () => {
    const config = stackConfig("home");
    const doc = v1alpha1(documentsFor(config, config.cluster.nodes[0]));
    const [plugin] = doc.cluster.apiServer?.admissionControl ?? [];
    expect(plugin.name).toBe("PodSecurity");
    expect(plugin.configuration.defaults).toMatchObject({ enforce: "baseline", audit: "restricted", warn: "restricted" });
    expect(plugin.configuration.exemptions.namespaces).toEqual(["kube-system"]);
  });

  test.each([
    ["two-hosts", false],
    ["three-hosts", true],
  ] as const)("control planes of %s are excluded from load balancers only when they run no workloads", (fixture, schedulable) => {
    const config = fixtureConfig(fixture);
    expect(config.cluster.allowSchedulingOnControlPlanes).toBe(schedulable);
    const controlPlane = config.cluster.nodes.find((node) => node.role === "controlplane") as ClusterNodeConfig;
    const doc = v1alpha1(documentsFor(config, controlPlane));
    expect(doc.cluster.allowSchedulingOnControlPlanes).toBe(schedulable);
    expect(doc.machine.nodeLabels?.["node.kubernetes.io/exclude-from-external-load-balancers"] !== undefined).toBe(!schedulable);
  });

  test("a node's patches from stack config are merged into its config and only its config", () => {
    const config = fixtureConfig("two-hosts");
    const [patched, plain] = config.cluster.nodes.filter((node) => node.role === "worker");
    expect(patched.patches.length).toBeGreaterThan(0);
    const patchedDoc = v1alpha1(documentsFor(config, patched)) as unknown as { machine: Doc };
    const patch = patched.patches[0] as { machine: Doc };
    expect(patchedDoc.machine).toMatchObject(patch.machine);
    // Merging keeps what the platform generated next to the patch.
    expect(patchedDoc.machine.kubelet).toEqual(v1alpha1(documentsFor(config, plain)).machine.kubelet);
    const plainDoc = v1alpha1(documentsFor(config, plain)) as unknown as { machine: Doc };
    expect(plainDoc.machine.sysctls).toBeUndefined();
  });

  test("installer and MAC address are derived from config values", () => {
    expect(installerImage({ schematicId: "ab".repeat(32), talosVersion: "v1.13.0" })).toBe(`factory.talos.dev/nocloud-installer/${"ab".repeat(32)}:v1.13.0`);
    expect(nodeMacAddress(3511)).toBe("02:7A:00:00:0D:B7");
    expect(nodeMacAddress(999_999_999)).toBe("02:7A:3B:9A:C9:FF");
  });
});

describe("the schema check itself", () => {
  const config = stackConfig("lab");
  const documents = () => documentsFor(config, config.cluster.nodes[0]);

  test("rejects the pre-1.12 machine.network section", () => {
    const [first, ...rest] = documents();
    const withOldNetwork = { ...first, machine: { ...(first.machine as Doc), network: { hostname: "x" } } };
    expect(validateYamlDocuments(toYamlDocuments([withOldNetwork, ...rest]))).not.toEqual([]);
  });

  test("rejects an address without a prefix length (a pattern from the schema)", () => {
    const edited = documents().map((d) => (d.kind === "LinkConfig" ? { ...d, addresses: [{ address: "192.168.36.11" }] } : d));
    expect(validateYamlDocuments(toYamlDocuments(edited)).join("\n")).toMatch(/pattern/);
  });

  test("reads every document of a multi-document file", () => {
    const yaml = toYamlDocuments(documents());
    expect(YAML.parseAllDocuments(yaml)).toHaveLength(documents().length);
  });
});
