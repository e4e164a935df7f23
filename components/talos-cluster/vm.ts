import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig, ClusterNodeConfig } from "../../config/schema";
import { nodeMacAddress, prefixLength } from "./topology";

/**
 * A Talos node as a Proxmox VM. The inputs are chosen so that the usual edits (cores, memory,
 * disk growth, tags, addresses) are in-place updates, never a replacement:
 *
 * - the disk sets every attribute the provider would otherwise fill in (muhlba91/pulumi-proxmoxve#35:
 *   a computed disk field showing up in a CPU/memory diff replaced the VM); no `speed` (#664);
 * - the network comes from cloud-init `ipConfigs`, which Proxmox regenerates in place; no
 *   snippet files, whose ids force a new VM (bpg/terraform-provider-proxmox#1636, #2901);
 * - tags are sorted and de-duplicated as Proxmox stores them (no perpetual diff);
 * - `migrate: true` moves the VM when its host changes instead of re-creating it; a running VM
 *   moves live, which the CPU type must allow (below).
 *
 * The provider never reboots a node (`rebootAfterUpdate: false`). With CPU and memory hotplug off,
 * a resize only takes effect on a cold restart, and the provider's default would restart every
 * resized VM at once: all control planes down together, and etcd loses quorum. Instead the change
 * stays pending in Proxmox (the provider warns) and the operator restarts the nodes one at a time
 * from Proxmox (`qm reboot <vmid>`, not `talosctl reboot`: a guest reboot keeps the QEMU process
 * and its old hardware), waiting for `talosctl health` between nodes.
 */

/** The system disk's bus. Talos installs to /dev/sda on virtio-scsi (cluster.installDisk). */
const systemDisk = "scsi0";

export function vmTags(cluster: Pick<ClusterConfig, "name">, node: Pick<ClusterNodeConfig, "role" | "tags">): string[] {
  return [...new Set(["talos", node.role, cluster.name, ...node.tags])].sort();
}

export function nodeVmArgs(
  cluster: ClusterConfig,
  node: ClusterNodeConfig,
  imageFileId: pulumi.Input<string>,
): proxmoxve.VmLegacyArgs {
  return {
    nodeName: node.host,
    vmId: node.vmId,
    name: node.name,
    description: `Talos ${node.role} of Kubernetes cluster ${cluster.name}. Managed by Pulumi (home-platform); edit the stack config, not this VM.`,
    tags: vmTags(cluster, node),
    onBoot: true,
    started: true,
    // See the header: resizes wait for a rolling restart by hand.
    rebootAfterUpdate: false,
    migrate: true,
    // Proxmox refuses to delete a protected VM, as a second lock next to Pulumi's `protect`.
    protection: true,
    machine: "q35",
    bios: "seabios",
    operatingSystem: { type: "l26" },
    // Talos needs x86-64-v2. `host` (the Talos guide's performance choice) passes the host's own
    // CPU model through, and the guide itself says it "prevents live VM migration": a VM started
    // on one host's CPU cannot move to a host with a different one, so `migrate: true` would fail
    // or need a cold restart. x86-64-v2-AES (Proxmox 8's default model) is the smallest common
    // model Talos runs on, with AES-NI for disk and network encryption.
    cpu: { type: "x86-64-v2-AES", cores: node.cores, sockets: 1 },
    // Talos needs dedicated memory: no balloon (floating 0) and, below, no memory hotplug.
    memory: { dedicated: node.memoryMiB, floating: 0 },
    // PVE's default set, written out: disks and NICs hotplug; memory and CPU never do.
    hotplug: "network,disk,usb",
    // "VirtIO SCSI", as the Talos Proxmox guide (v1.13, siderolabs/docs) asks: "NOT VirtIO SCSI
    // Single", which "can cause bootstrap to hang or prevent disk discovery" (siderolabs/talos#11173).
    scsiHardware: "virtio-scsi-pci",
    bootOrders: [systemDisk],
    disks: [
      {
        interface: systemDisk,
        datastoreId: node.datastore,
        size: node.diskGiB,
        fileId: imageFileId,
        fileFormat: "raw",
        // A per-disk I/O thread needs the "single" controller (one controller per disk); on the
        // shared virtio-scsi-pci controller Proxmox ignores it, so it stays off.
        iothread: false,
        ssd: true,
        discard: "on",
        cache: "none",
        aio: "io_uring",
        backup: true,
        replicate: true,
      },
    ],
    networkDevices: [
      {
        bridge: cluster.network.bridge,
        vlanId: cluster.network.vlanId,
        model: "virtio",
        macAddress: nodeMacAddress(node.vmId),
        firewall: false,
      },
    ],
    initialization: {
      datastoreId: node.datastore,
      // q35 has only ide0 and ide2.
      interface: "ide2",
      type: "nocloud",
      ipConfigs: [{ ipv4: { address: `${node.ip}/${prefixLength(cluster.network.cidr)}`, gateway: cluster.network.gateway } }],
      dns: { servers: cluster.network.nameservers },
    },
    agent: {
      // The qemu-guest-agent extension (default schematic) lets Proxmox shut Talos down cleanly.
      enabled: true,
      type: "virtio",
      trim: true,
      // Bounded, and no waiting for an IP: Talos starts extensions only after its config is
      // applied, and the address is static anyway (bpg/terraform-provider-proxmox#449, #776).
      timeout: "2m",
      waitForIp: { disabled: true },
    },
    timeoutCreate: 900,
    timeoutStartVm: 300,
    timeoutShutdownVm: 300,
    timeoutReboot: 600,
  };
}

/**
 * Resource options of a node's VM. `deleteBeforeReplace`: a replacement VM has the same `vmId`,
 * which Proxmox refuses while the old VM exists (Pulumi's default creates the new one first).
 * A replacement also needs `protect` and the VM's own `protection` lifted by hand first.
 */
export function nodeVmOptions(opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return {
    ...opts,
    protect: true,
    deleteBeforeReplace: true,
    // The image only seeds the disk at creation. A new Talos version (new file id) must not
    // re-create a running node; Talos upgrades itself with `talosctl upgrade`.
    ignoreChanges: [`disks[0].fileId`],
  };
}

export function createNodeVm(
  name: string,
  cluster: ClusterConfig,
  node: ClusterNodeConfig,
  image: proxmoxve.download.File,
  opts: pulumi.CustomResourceOptions,
): proxmoxve.VmLegacy {
  return new proxmoxve.VmLegacy(`${name}-vm-${node.name}`, nodeVmArgs(cluster, node, image.id), nodeVmOptions(opts));
}
