import { nodeMachineConfig, type V1Alpha1Config } from "../../../components/talos-cluster/machine-config";
import { nodeVmArgs } from "../../../components/talos-cluster/vm";
import { cpuToMillis, memoryToMiB } from "../../../lib/quantity";
import { findResource, unwrapSecrets } from "../../helpers";
import { fakeSecretsBundle } from "./helpers/fake-secrets";
import { renderCluster } from "./helpers/render";
import { stackConfig } from "../../helpers/stack-config";

/**
 * Issue 9 item 8: what Talos v1.13.9 and its Proxmox guide expect, written down from the sources
 * (each test names the file). The installer image is checked in machine-config.test.ts; the
 * bootstrap guard and the redacted immediate-mode diff in talosctl.test.ts.
 */

const config = stackConfig("home");
type Role = "controlplane" | "worker";

describe("kubelet systemReserved adds to Talos' own reservations instead of dropping them", () => {
  // internal/app/machined/pkg/controllers/k8s/kubelet_spec.go: `if len(config.SystemReserved) == 0`
  // Talos sets cpu, pid, ephemeral-storage and memory (pkg/machinery/constants/constants.go).
  // Any extraConfig.systemReserved replaces the whole map, so ours must carry every key.
  const talosDefaults: Record<Role, Record<string, string>> = {
    controlplane: { cpu: "50m", memory: "512Mi", pid: "100", "ephemeral-storage": "256Mi" },
    worker: { cpu: "50m", memory: "384Mi", pid: "100", "ephemeral-storage": "256Mi" },
  };

  test.each(["controlplane", "worker"] as const)("%s: every key Talos reserves is reserved, at least as much", (role) => {
    const node = { ...config.cluster.nodes[0], role };
    const [doc] = nodeMachineConfig(config.cluster, node, fakeSecretsBundle()) as [V1Alpha1Config];
    const reserved = doc.machine.kubelet.extraConfig.systemReserved as Record<string, string>;
    expect(Object.keys(reserved).sort()).toEqual(Object.keys(talosDefaults[role]).sort());
    expect(cpuToMillis(reserved.cpu)).toBeGreaterThanOrEqual(cpuToMillis(talosDefaults[role].cpu)!);
    expect(memoryToMiB(reserved.memory)).toBeGreaterThanOrEqual(memoryToMiB(talosDefaults[role].memory)!);
    expect(Number(reserved.pid)).toBeGreaterThanOrEqual(100);
    expect(memoryToMiB(reserved["ephemeral-storage"])).toBeGreaterThanOrEqual(256);
  });
});

test("the service-account key is RSA 4096, as Talos has generated it since v1.7", async () => {
  // pkg/machinery/config/generate/secrets/bundle.go: versionContract.UseRSAServiceAccountKey()
  // → x509.NewRSAKey() (siderolabs/crypto: 4096 bits, PKCS#1 "RSA PRIVATE KEY").
  const { resources } = await renderCluster(config);
  const key = findResource(resources, "tls:index/privateKey:PrivateKey", "cluster-service-account-key");
  expect(unwrapSecrets(key.inputs)).toMatchObject({ algorithm: "RSA", rsaBits: 4096 });
  const controlPlane = config.cluster.nodes.find((node) => node.role === "controlplane")!;
  const apply = findResource(resources, "command:local:Command", `cluster-apply-${controlPlane.name}`);
  const stdin = unwrapSecrets(apply.inputs.stdin) as string;
  const encoded = /serviceAccount:\n\s+key: (\S+)/.exec(stdin)?.[1];
  expect(Buffer.from(encoded ?? "", "base64").toString()).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
});

describe("the VM follows the Talos Proxmox guide (v1.13, siderolabs/docs platform-specific-installations/virtualized-platforms/proxmox.mdx)", () => {
  const vms = config.cluster.nodes.map((node) => [node.name, nodeVmArgs(config.cluster, node, "local:iso/talos.img")] as const);

  test.each(vms)("%s: VirtIO SCSI, not VirtIO SCSI single (siderolabs/talos#11173), and no iothread", (_name, vm) => {
    expect(vm.scsiHardware).toBe("virtio-scsi-pci");
    for (const disk of vm.disks as { iothread?: boolean }[]) expect(disk.iothread).toBe(false);
  });

  test.each(vms)("%s: a CPU model that allows the live migration `migrate: true` promises", (_name, vm) => {
    // The guide: "`host` CPU type prevents live VM migration".
    expect(vm.migrate).toBe(true);
    const cpu = vm.cpu as { type: string };
    expect(cpu.type).not.toBe("host");
    // Talos needs x86-64-v2 or newer (the guide's "System requirements" and Talos v1.0 notes).
    expect(cpu.type).toMatch(/^x86-64-v[2-4](-AES)?$/);
  });
});
