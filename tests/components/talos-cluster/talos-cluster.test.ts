import * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";
import * as YAML from "yaml";
import type { PlatformConfig } from "../../../config/schema";
import { findResource, isSecret, isSecretAt, resourcesOfType, unwrapSecrets, type CapturedResource } from "../../helpers";
import { type Rendered, renderCluster } from "./helpers/render";
import { stackConfig } from "../../helpers/stack-config";
import { validateYamlDocuments } from "./helpers/talos-schema";

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const DOWNLOAD = "proxmoxve:download/file:File";
const COMMAND = "command:local:Command";
const K8S_PROVIDER = "pulumi:providers:kubernetes";
const PROXMOX_PROVIDER = "pulumi:providers:proxmoxve";
const COMPONENT = "home-platform:cluster:TalosCluster";

type Plain = Record<string, unknown>;
const plain = (resource: CapturedResource) => unwrapSecrets(resource.inputs) as Plain;

/** Each stack's VM tags, written out: "talos", the role and the cluster name, sorted. */
const expectedTags = {
  home: ["controlplane", "home", "talos"],
  lab: ["controlplane", "lab", "talos"],
};

describe.each(["home", "lab"] as const)("TalosCluster for the %s stack", (stack) => {
  let config: PlatformConfig;
  let rendered: Rendered;
  beforeAll(async () => {
    config = stackConfig(stack);
    rendered = await renderCluster(config);
  });
  const nodes = () => config.cluster.nodes;
  const one = (type: string, name: string) => findResource(rendered.resources, type, name);
  const ofType = (type: string) => resourcesOfType(rendered.resources, type);
  const vmOf = (nodeName: string) => one(VM, `cluster-vm-${nodeName}`);
  const applyOf = (nodeName: string) => one(COMMAND, `cluster-apply-${nodeName}`);

  test("creates exactly one VM per configured node, tagged with its role", () => {
    const vms = ofType(VM);
    expect(vms.map((vm) => vm.name).sort()).toEqual(nodes().map((node) => `cluster-vm-${node.name}`).sort());
    for (const node of nodes()) expect(plain(vmOf(node.name)).tags).toContain(node.role);
  });

  test("VM inputs follow the node's config", () => {
    const prefix = ipaddr.IPv4.parseCIDR(config.cluster.network.cidr)[1];
    for (const node of nodes()) {
      const vm = plain(vmOf(node.name));
      expect(vm).toMatchObject({
        nodeName: node.host,
        vmId: node.vmId,
        name: node.name,
        machine: "q35",
        onBoot: true,
        protection: true,
        cpu: { type: "x86-64-v2-AES", cores: node.cores },
        memory: { dedicated: node.memoryMiB, floating: 0 },
        disks: [{ interface: "scsi0", datastoreId: node.datastore, size: node.diskGiB }],
        networkDevices: [{ bridge: config.cluster.network.bridge, model: "virtio" }],
        initialization: {
          ipConfigs: [{ ipv4: { address: `${node.ip}/${prefix}`, gateway: config.cluster.network.gateway } }],
          dns: { servers: config.cluster.network.nameservers },
        },
        agent: { enabled: true },
        // Resizes never restart VMs by themselves (vm.ts): no parallel control-plane reboots.
        rebootAfterUpdate: false,
      });
      // Talos needs fixed memory: no balloon (floating 0 above) and no memory or CPU hotplug.
      expect((vm.hotplug as string).split(",")).not.toEqual(expect.arrayContaining(["memory"]));
      expect((vm.hotplug as string).split(",")).not.toEqual(expect.arrayContaining(["cpu"]));
      // Sorted as Proxmox stores them; neither stack adds node tags (the two-hosts fixture does).
      expect(vm.tags).toEqual(expectedTags[stack]);
      expect(JSON.stringify(vm)).not.toMatch(/snippets|userDataFileId|networkDataFileId/);
    }
  });

  test("VMs are protected, on the explicit Proxmox provider, parented to the component, and keep their disk on image changes", () => {
    const provider = one(PROXMOX_PROVIDER, "cluster-proxmox");
    const component = one(COMPONENT, "cluster");
    for (const node of nodes()) {
      const vm = vmOf(node.name);
      expect(vm.protect).toBe(true);
      expect(vm.ignoreChanges).toEqual(["disks[0].fileId"]);
      expect(vm.provider).toBe(provider.urn);
      expect(vm.parent).toBe(component.urn);
    }
  });

  test("the Proxmox provider takes endpoint, TLS and SSH settings from config and the token as a secret", () => {
    const provider = one(PROXMOX_PROVIDER, "cluster-proxmox");
    expect(isSecret(provider.inputs.apiToken)).toBe(true);
    // Providers receive their configuration as strings, objects JSON-encoded.
    const inputs = plain(provider);
    expect(inputs).toMatchObject({ endpoint: config.proxmox.endpoint, insecure: String(config.proxmox.insecure) });
    expect(JSON.parse(inputs.ssh as string)).toEqual({
      username: config.proxmox.ssh.username,
      agent: config.proxmox.ssh.agent,
      nodes: config.proxmox.hosts.map((host) => ({ name: host.name, address: host.address })),
    });
  });

  test("downloads the Image Factory image once per host with nodes, and VMs boot from it", () => {
    const downloads = ofType(DOWNLOAD);
    const hosts = [...new Set(nodes().map((node) => node.host))];
    expect(downloads.map((d) => d.name).sort()).toEqual(hosts.map((host) => `cluster-image-${host}`).sort());
    for (const download of downloads) {
      const inputs = plain(download);
      const host = config.proxmox.hosts.find((h) => `cluster-image-${h.name}` === download.name);
      expect(inputs).toMatchObject({
        nodeName: host?.name,
        datastoreId: host?.imageDatastore,
        url: `https://factory.talos.dev/image/${config.cluster.schematicId}/${config.cluster.talosVersion}/nocloud-amd64.raw.gz`,
        contentType: "iso",
        decompressionAlgorithm: "gz",
        overwrite: false,
      });
      expect(inputs.fileName).toMatch(new RegExp(`^talos-${config.cluster.talosVersion}-.*\\.img$`));
    }
    for (const node of nodes()) {
      // The disk's fileId is that download's id, the Proxmox volume id "<datastore>:<content>/<file>".
      const download = one(DOWNLOAD, `cluster-image-${node.host}`);
      const { datastoreId, contentType, fileName } = plain(download);
      expect(vmOf(node.name).dependsOn).toContain(download.urn);
      expect((plain(vmOf(node.name)).disks as Plain[])[0].fileId).toBe(`${datastoreId}:${contentType}/${fileName}`);
    }
  });

  test("each node's config goes to its own IP through a secret stdin, re-applied on change without touching the VM", () => {
    for (const node of nodes()) {
      const apply = applyOf(node.name);
      const vm = vmOf(node.name);
      expect(isSecret(apply.inputs.stdin)).toBe(true);
      const inputs = plain(apply);
      expect(inputs.environment).toMatchObject({ TALOS_NODE: node.ip });
      expect(inputs.create).toContain("apply-config --insecure");
      expect(inputs.update).toContain('--talosconfig "$talosconfig"');
      expect(inputs.update).toContain("--mode no-reboot");
      // Re-running on a re-created VM is `replaceWith` (replacement.test.ts), not a trigger.
      expect(inputs.triggers).toBeUndefined();
      expect(apply.dependsOn).toContain(vm.urn);
      const yaml = inputs.stdin as string;
      expect(validateYamlDocuments(yaml)).toEqual([]);
      const [machineConfig] = YAML.parseAllDocuments(yaml).map((d) => d.toJS());
      expect(machineConfig.machine.type).toBe(node.role);
    }
  });

  test("the talosconfig reaches commands only through a secret environment", () => {
    for (const command of ofType(COMMAND)) {
      expect([command.name, isSecretAt(command.inputs, ["environment", "TALOSCONFIG_CONTENT"])]).toEqual([command.name, true]);
      const { environment, create, update } = plain(command) as { environment: Plain; create: string; update?: string };
      expect(environment.TALOSCONFIG_CONTENT).toMatch(/^context: /);
      expect(`${create}${update ?? ""}`).not.toContain("contexts:");
    }
  });

  test("bootstrap runs once, on the first control plane, after every control-plane apply", () => {
    const bootstrap = one(COMMAND, "cluster-bootstrap");
    const first = nodes().find((node) => node.role === "controlplane");
    expect(plain(bootstrap).environment).toMatchObject({ TALOS_NODE: first?.ip });
    const controlPlaneApplies = nodes()
      .filter((node) => node.role === "controlplane")
      .map((node) => applyOf(node.name).urn);
    expect(bootstrap.dependsOn).toEqual(expect.arrayContaining(controlPlaneApplies));
    expect(ofType(COMMAND).filter((c) => c.name === "cluster-bootstrap")).toHaveLength(1);
  });

  test("the Kubernetes provider uses the secret kubeconfig and waits for the health check", () => {
    const health = one(COMMAND, "cluster-health");
    const provider = one(K8S_PROVIDER, "cluster-kubernetes");
    expect(provider.dependsOn).toContain(health.urn);
    expect(isSecret(provider.inputs.kubeconfig)).toBe(true);
    expect(health.dependsOn).toContain(one(COMMAND, "cluster-bootstrap").urn);
    for (const node of nodes()) expect(health.dependsOn).toContain(applyOf(node.name).urn);
  });

  test("kubeconfig and talosconfig are secret and point at the cluster", async () => {
    const { cluster } = rendered;
    const endpoint = `https://${config.cluster.vip ?? nodes().find((n) => n.role === "controlplane")?.ip}:6443`;
    expect(cluster.endpoint).toBe(endpoint);
    const [kubeconfig, talosconfig] = await Promise.all(
      [cluster.kubeconfig, cluster.talosconfig].map(async (output) => ({
        secret: await pulumi.isSecret(output),
        value: YAML.parse(await new Promise<string>((done) => output.apply(done))),
      })),
    );
    expect([kubeconfig.secret, talosconfig.secret]).toEqual([true, true]);
    expect(kubeconfig.value.clusters[0].cluster.server).toBe(endpoint);
    const context = talosconfig.value.contexts[talosconfig.value.context];
    expect(context.endpoints).toEqual(nodes().filter((n) => n.role === "controlplane").map((n) => n.ip));
    // Talos reads Ed25519 keys with Talos's own PEM label; kubectl gets the ECDSA key exactly as
    // the tls provider wrote it.
    expect(Buffer.from(context.key, "base64").toString()).toMatch(/^-----BEGIN ED25519 PRIVATE KEY-----/);
    const adminKey = one("tls:index/privateKey:PrivateKey", "cluster-kubernetes-admin-key");
    expect(plain(adminKey).algorithm).toBe("ECDSA");
    const adminKeyPem = unwrapSecrets(adminKey.outputs?.privateKeyPem) as string;
    // SEC 1, as terraform-provider-tls writes ECDSA keys (x509.MarshalECPrivateKey).
    expect(adminKeyPem).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    expect(Buffer.from(kubeconfig.value.users[0].user["client-key-data"], "base64").toString()).toBe(adminKeyPem);
  });

  test("admin client certificates carry the admin groups and client-auth usage", () => {
    const requests = ofType("tls:index/certRequest:CertRequest").map(plain);
    expect(requests.map((r) => (r.subject as Plain).organization).sort()).toEqual(["os:admin", "system:masters"]);
    for (const cert of ofType("tls:index/locallySignedCert:LocallySignedCert")) {
      expect(plain(cert).allowedUses).toContain("client_auth");
    }
  });

  test("registers nodeAddresses, capacity and per-node machine configs as outputs", () => {
    const outputs = one(COMPONENT, "cluster").outputs as Plain;
    expect(unwrapSecrets(outputs.nodeAddresses)).toEqual(Object.fromEntries(nodes().map((n) => [n.name, n.ip])));
    expect(Object.keys(unwrapSecrets(outputs.machineConfigs) as Plain).sort()).toEqual(nodes().map((n) => n.name).sort());
    // Registered with their secret leaves marked (the same leaves as below), public halves readable.
    for (const node of nodes()) {
      expect(isSecretAt(outputs.machineConfigs, [node.name, 0, "machine", "token"])).toBe(true);
      expect(isSecretAt(outputs.machineConfigs, [node.name, 0, "machine", "ca", "key"])).toBe(true);
      expect(isSecretAt(outputs.machineConfigs, [node.name, 0, "machine", "ca", "crt"])).toBe(false);
    }
    expect((unwrapSecrets(outputs.capacity) as Plain).schedulableNodes).toBe(rendered.cluster.capacity.schedulableNodes);
  });

  test("the cluster PKI, tokens and cluster secrets are protected against deletion", () => {
    const kinds = [
      "tls:index/privateKey:PrivateKey",
      "tls:index/selfSignedCert:SelfSignedCert",
      "random:index/randomPassword:RandomPassword",
      "random:index/randomBytes:RandomBytes",
    ];
    const clusterSecrets = rendered.resources.filter((r) => kinds.includes(r.type) && !r.name.includes("-admin"));
    expect(clusterSecrets.map((r) => r.name).sort()).toEqual(
      [
        "cluster-aggregator-ca",
        "cluster-aggregator-ca-key",
        "cluster-bootstrap-token",
        "cluster-cluster-id",
        "cluster-cluster-secret",
        "cluster-etcd-ca",
        "cluster-etcd-ca-key",
        "cluster-kubernetes-ca",
        "cluster-kubernetes-ca-key",
        "cluster-os-ca",
        "cluster-os-ca-key",
        "cluster-secretbox-key",
        "cluster-service-account-key",
        "cluster-trustd-token",
      ].sort(),
    );
    for (const registration of clusterSecrets) expect(registration.protect).toBe(true);
  });
});
