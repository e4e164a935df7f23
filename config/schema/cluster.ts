import { z } from "zod";
import { cidrsOverlap } from "../../lib/cidr";
import { cidrv4, dnsLabel, expected, ipv4, positiveInt } from "./primitives";

/** The qemu-guest-agent-only schematic from the Talos Image Factory (Talos Proxmox guide). */
export const defaultSchematicId = "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515";

/** A whole number with a floor above 0: one check, so a negative value gives one message, not two. */
function wholeNumberFrom(minimum: number, message: string) {
  return z
    .number({ error: expected("must be a whole number") })
    // abort: a fraction gets "whole number" alone, not also the floor message.
    .int({ error: expected("must be a whole number"), abort: true })
    .min(minimum, { error: expected(message) });
}

/** A Talos machine config patch: a partial machine config merged over the generated one. */
const machinePatch = z.record(z.string(), z.unknown());

export const clusterNode = z.strictObject({
  /** Hostname and VM name. Part of the node's identity: renaming it replaces the VM. */
  name: dnsLabel,
  /** Proxmox VM id. Part of the node's identity. */
  vmId: z
    .number({ error: expected("must be a whole number") })
    .int({ error: expected("must be a whole number") })
    .min(100, { error: expected("must be between 100 and 999999999 (Proxmox VM id range)") })
    .max(999_999_999, { error: expected("must be between 100 and 999999999 (Proxmox VM id range)") }),
  role: z.enum(["controlplane", "worker"], { error: expected("must be controlplane or worker") }),
  /** Name of a host in home-platform:proxmox.hosts. */
  host: dnsLabel,
  /**
   * Static address inside cluster.network.cidr. Fixed once the node exists, like name and vmId:
   * the apply command would talk to the new address before the node has it, and the API server
   * certificate, the talosconfig endpoints and etcd all carry the old one.
   */
  ip: ipv4,
  cores: positiveInt,
  /**
   * Dedicated memory in MiB; Talos needs at least 2 GiB, and no ballooning is used. Like cores, a
   * change reaches a running node only when it is restarted from Proxmox, one node at a time (vm.ts).
   */
  memoryMiB: wholeNumberFrom(2048, "must be at least 2048 (Talos needs 2 GiB)"),
  /** System disk size in GiB. Growing it resizes in place; shrinking is refused by Proxmox. */
  diskGiB: wholeNumberFrom(10, "must be at least 10 (GiB)"),
  /** Datastore for the system disk. Defaults to "local-lvm". */
  datastore: z.string().min(1).default("local-lvm"),
  /** Extra Proxmox tags (sorted on the VM so Proxmox shows no diff). */
  tags: z.array(dnsLabel).default([]),
  /** Talos patches for this node only, applied after the platform's own patches. */
  patches: z.array(machinePatch).default([]),
});

export const clusterSchema = z.strictObject({
  /** Kubernetes cluster name, used in kubeconfig/talosconfig contexts. */
  name: dnsLabel,
  /** Talos release, pinned. */
  talosVersion: z.string().regex(/^v1\.\d+\.\d+$/, { error: expected("must be a Talos release like v1.13.9") }).default("v1.13.9"),
  /** Kubernetes release Talos installs, pinned. */
  kubernetesVersion: z
    .string()
    .regex(/^v?1\.\d+\.\d+$/, { error: expected("must be a Kubernetes release like 1.36.1") })
    .default("1.36.1"),
  /** Image Factory schematic id. Defaults to the qemu-guest-agent schematic. */
  schematicId: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { error: expected("must be a 64-character Image Factory schematic id") })
    .default(defaultSchematicId),
  /** Shared control-plane address; when absent the first control-plane node's IP is the endpoint. */
  vip: ipv4.optional(),
  /** Let workloads run on control-plane nodes. Defaults to true (small clusters have no workers). */
  allowSchedulingOnControlPlanes: z.boolean().default(true),
  /** Disk Talos installs to inside the VM. Defaults to /dev/sda (virtio-scsi). */
  installDisk: z.string().startsWith("/dev/", { error: expected("must be a device path like /dev/sda") }).default("/dev/sda"),
  network: z.strictObject({
    cidr: cidrv4,
    gateway: ipv4,
    nameservers: z.array(ipv4).min(1, { error: expected("must list at least one DNS server") }),
    /** Proxmox bridge for the VMs' NIC. Defaults to vmbr0. */
    bridge: z.string().min(1).default("vmbr0"),
    vlanId: z.number().int().min(1).max(4094, { error: expected("must be a VLAN id from 1 to 4094") }).optional(),
    /** Pod network. Defaults to 10.244.0.0/16. Fixed once the cluster exists. */
    podCidr: cidrv4.default("10.244.0.0/16"),
    /** Service network. Defaults to 10.96.0.0/12. Fixed once the cluster exists. */
    serviceCidr: cidrv4.default("10.96.0.0/12"),
  }).superRefine(checkNetworksDisjoint),
  nodes: z.array(clusterNode).min(1, { error: expected("must list at least one node") }),
});

/**
 * Nodes, pods and services must not share addresses: a pod range covering the node network makes
 * nodes unreachable from pods, and the kube-apiserver refuses overlapping pod/service ranges.
 */
function checkNetworksDisjoint(
  network: { cidr: string; podCidr: string; serviceCidr: string },
  ctx: z.RefinementCtx,
): void {
  const ranges = [
    ["cidr", network.cidr],
    ["podCidr", network.podCidr],
    ["serviceCidr", network.serviceCidr],
  ] as const;
  ranges.forEach(([key, cidr], index) => {
    for (const [otherKey, other] of ranges.slice(0, index)) {
      if (cidrsOverlap(cidr, other)) {
        ctx.addIssue({ code: "custom", path: [key], message: `${cidr} overlaps cluster.network.${otherKey} (${other})` });
      }
    }
  });
}

export type ClusterConfig = z.infer<typeof clusterSchema>;
export type ClusterNodeConfig = z.infer<typeof clusterNode>;
