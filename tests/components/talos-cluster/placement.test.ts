import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { validateTalosClusterArgs } from "../../../components/talos-cluster/cluster";
import { nodeMachineConfig, type V1Alpha1Config } from "../../../components/talos-cluster/machine-config";
import { isConfigError } from "../../../config/errors";
import { parseStackConfig } from "../../../config/parse";
import type { PlatformConfig } from "../../../config/schema";
import { fakeSecretsBundle } from "./helpers/fake-secrets";
import { findResource, resourcesOfType, unwrapSecrets, type CapturedResource } from "../../helpers";
import { type Rendered, renderCluster } from "./helpers/render";
import { fixtureConfig, rawFixtureConfig } from "./helpers/fixture-config";
import { project } from "../../helpers/stack-config";

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const DOWNLOAD = "proxmoxve:download/file:File";
const COMMAND = "command:local:Command";
type Plain = Record<string, unknown>;
const plain = (resource: CapturedResource) => unwrapSecrets(resource.inputs) as Plain;

describe("two Proxmox hosts: one control plane, a worker on each host", () => {
  let config: PlatformConfig;
  let rendered: Rendered;
  beforeAll(async () => {
    config = fixtureConfig("two-hosts");
    rendered = await renderCluster(config);
  });

  test("each VM lands on the host its node names, with that node's datastore", () => {
    for (const node of config.cluster.nodes) {
      const vm = plain(findResource(rendered.resources, VM, `cluster-vm-${node.name}`));
      expect(vm.nodeName).toBe(node.host);
      expect((vm.disks as Plain[])[0].datastoreId).toBe(node.datastore);
      expect((vm.networkDevices as Plain[])[0]).toMatchObject({ bridge: config.cluster.network.bridge, vlanId: config.cluster.network.vlanId });
    }
    const hosts = new Set(config.cluster.nodes.map((node) => node.host));
    expect(hosts.size).toBe(2);
  });

  test("VM tags are the node's own tags plus talos, role and cluster name, sorted as Proxmox stores them", () => {
    const tags = Object.fromEntries(
      resourcesOfType(rendered.resources, VM).map((vm) => [vm.name, plain(vm).tags]),
    );
    // Written out from fixtures/two-hosts.yaml (cluster "duo"; duo-worker-01 adds gpu and bulk).
    expect(tags).toEqual({
      "cluster-vm-duo-cp-01": ["controlplane", "duo", "talos"],
      "cluster-vm-duo-worker-01": ["bulk", "duo", "gpu", "talos", "worker"],
      "cluster-vm-duo-worker-02": ["duo", "talos", "worker"],
    });
  });

  test("each host downloads the image into its own image datastore", () => {
    const downloads = resourcesOfType(rendered.resources, DOWNLOAD).map(plain);
    expect(downloads.map((d) => [d.nodeName, d.datastoreId]).sort()).toEqual(config.proxmox.hosts.map((h) => [h.name, h.imageDatastore]).sort());
  });

  test("bootstrap waits for control-plane applies only; health names the workers", () => {
    const bootstrap = findResource(rendered.resources, COMMAND, "cluster-bootstrap");
    for (const node of config.cluster.nodes) {
      const apply = findResource(rendered.resources, COMMAND, `cluster-apply-${node.name}`);
      expect(bootstrap.dependsOn.includes(apply.urn)).toBe(node.role === "controlplane");
    }
    const health = plain(findResource(rendered.resources, COMMAND, "cluster-health")).environment as Plain;
    const ips = (role: string) =>
      config.cluster.nodes
        .filter((n) => n.role === role)
        .map((n) => n.ip)
        .join(",");
    expect(health).toMatchObject({ TALOS_CONTROL_PLANE_NODES: ips("controlplane"), TALOS_WORKER_NODES: ips("worker") });
  });

  test("capacity counts the workers only, since control planes keep workloads off", () => {
    expect(config.cluster.allowSchedulingOnControlPlanes).toBe(false);
    expect(rendered.cluster.capacity.schedulableNodes).toBe(config.cluster.nodes.filter((n) => n.role === "worker").length);
  });
});

describe("three control planes on three of four Proxmox hosts", () => {
  let config: PlatformConfig;
  let rendered: Rendered;
  beforeAll(async () => {
    config = fixtureConfig("three-hosts");
    rendered = await renderCluster(config);
  });

  test("a host without nodes gets no image download", () => {
    const used = new Set(config.cluster.nodes.map((node) => node.host));
    const idle = config.proxmox.hosts.filter((host) => !used.has(host.name)).map((host) => host.name);
    expect(idle.length).toBeGreaterThan(0);
    const downloaded = resourcesOfType(rendered.resources, DOWNLOAD).map((d) => plain(d).nodeName);
    expect(downloaded.sort()).toEqual([...used].sort());
  });

  test("without a VIP the endpoint is the first control plane", () => {
    expect(config.cluster.vip).toBeUndefined();
    expect(rendered.cluster.endpoint).toBe(`https://${config.cluster.nodes[0].ip}:6443`);
    const doc = nodeMachineConfig(config.cluster, config.cluster.nodes[2], fakeSecretsBundle())[0] as V1Alpha1Config;
    expect(doc.cluster.controlPlane.endpoint).toBe(rendered.cluster.endpoint);
  });
});

describe("control-plane spread is enforced by the config checks", () => {
  const fixture = "two-hosts-quorum-on-one";

  test("three control planes on two hosts are refused, naming the host that holds the majority", () => {
    const raw = YAML.parse(fs.readFileSync(path.join(__dirname, "fixtures", `${fixture}.yaml`), "utf8")).config;
    const nodes = raw["home-platform:cluster"].nodes as { name: string; host: string; role: string }[];
    const perHost = new Map<string, string[]>();
    for (const node of nodes.filter((n) => n.role === "controlplane")) perHost.set(node.host, [...(perHost.get(node.host) ?? []), node.name]);
    const [majorityHost, names] = [...perHost].find(([, onHost]) => onHost.length > nodes.length / 2) ?? [];
    expect(majorityHost).toBeDefined();

    let problems: readonly string[] = [];
    try {
      parseStackConfig(project, rawFixtureConfig(fixture));
    } catch (err) {
      if (!isConfigError(err)) throw err;
      problems = err.problems;
    }
    expect(problems).toEqual([
      expect.stringContaining(`home-platform:cluster.nodes: control planes ${names?.join(", ")} are on host ${majorityHost}`),
    ]);
  });

  test("three control planes spread over three hosts are accepted", () => {
    expect(() => fixtureConfig("three-hosts")).not.toThrow();
  });
});

describe("the component's own checks", () => {
  const config = fixtureConfig("two-hosts");

  test("a health timeout that is not positive is refused", () => {
    expect(validateTalosClusterArgs({ healthTimeoutMinutes: 0 })).toEqual(["healthTimeoutMinutes must be greater than 0"]);
    expect(validateTalosClusterArgs({ healthTimeoutMinutes: 5 })).toEqual([]);
    expect(validateTalosClusterArgs({})).toEqual([]);
  });

  test("the constructor refuses a bad health timeout", async () => {
    await expect(renderCluster(config, { healthTimeoutMinutes: -1 })).rejects.toThrow(/TalosCluster cluster: healthTimeoutMinutes must be greater than 0/);
  });

  test("args that skipped the config checks fail with what is wrong, not an obscure error", async () => {
    // The config checks report an unknown host (tests/config); the component only asserts it.
    const proxmox = { ...config.proxmox, hosts: config.proxmox.hosts.slice(0, 1) };
    const stray = config.cluster.nodes.find((node) => node.host !== proxmox.hosts[0].name);
    await expect(renderCluster({ ...config, proxmox })).rejects.toThrow(`node ${stray?.name} is on host "${stray?.host}", which is not in proxmox.hosts`);
  });
});
