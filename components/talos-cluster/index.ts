import type * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterCapacity } from "../../lib/capacity";
import { createTalosCluster, type MachineConfigDocuments, type TalosClusterArgs, validateTalosClusterArgs } from "./cluster";

export type { MachineConfigDocuments, TalosClusterArgs } from "./cluster";
export type { MachineFoundations } from "./machine-foundations";

/**
 * A Talos Kubernetes cluster on Proxmox VMs: the Image Factory image on each host that runs
 * nodes, one protected VM per node, the cluster PKI as Pulumi resources, machine configs applied
 * and etcd bootstrapped with talosctl, and a Kubernetes provider that waits for a healthy cluster.
 *
 * Needs `talosctl` on the workstation's PATH during `pulumi up` (previews run no commands).
 */
export class TalosCluster extends pulumi.ComponentResource {
  /** Kubernetes provider on the admin kubeconfig; usable once `talosctl health` has passed. */
  readonly kubernetesProvider: k8s.Provider;
  /** Admin kubeconfig (system:masters). Secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Admin talosconfig (os:admin), endpoints = control planes. Secret. */
  readonly talosconfig: pulumi.Output<string>;
  /** Kubernetes API URL: the VIP when configured, else the first control plane. */
  readonly endpoint: string;
  /** Node name → static IPv4. */
  readonly nodeAddresses: Readonly<Record<string, string>>;
  /** Host capacity with its VMs, and what the schedulable nodes leave for pods. */
  readonly capacity: ClusterCapacity;
  /** Node name → machine config documents, secret leaves as secret Outputs. */
  readonly machineConfigs: Readonly<Record<string, MachineConfigDocuments>>;
  /** Node name → VM, for callers that must order work after a particular node. */
  readonly vms: Readonly<Record<string, proxmoxve.VmLegacy>>;
  readonly proxmoxProvider: proxmoxve.Provider;
  private readonly parts: ReturnType<typeof createTalosCluster>;

  constructor(name: string, args: TalosClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("home-platform:cluster:TalosCluster", name, {}, opts);
    const problems = validateTalosClusterArgs(args);
    if (problems.length > 0) throw new pulumi.ResourceError(`TalosCluster ${name}: ${problems.join("; ")}`, this);

    const parts = createTalosCluster(name, args, this);
    this.parts = parts;
    this.kubernetesProvider = parts.kubernetesProvider;
    this.kubeconfig = parts.kubeconfig;
    this.talosconfig = parts.talosconfig;
    this.endpoint = parts.endpoint;
    this.nodeAddresses = parts.nodeAddresses;
    this.capacity = parts.capacity;
    this.machineConfigs = parts.machineConfigs;
    this.vms = parts.vms;
    this.proxmoxProvider = parts.proxmoxProvider;

    this.registerOutputs({
      endpoint: this.endpoint,
      nodeAddresses: this.nodeAddresses,
      kubeconfig: this.kubeconfig,
      talosconfig: this.talosconfig,
      capacity: this.capacity,
      machineConfigs: this.machineConfigs,
    });
  }

  /**
   * `talosctl health` (etcd, control plane, every node Ready), after `after`. With a CNI from the
   * foundations layer (`args.foundations.cni`) the caller creates it once the CNI is installed,
   * since no node is Ready before; otherwise it already exists and `after` must be empty.
   */
  healthCheck(after: readonly pulumi.Resource[]): pulumi.Resource {
    if (this.parts.health) {
      if (after.length > 0) throw new pulumi.ResourceError("the health check already ran without a deferred CNI; set args.foundations.cni", this);
      return this.parts.health;
    }
    return this.parts.createHealthCommand(after);
  }
}
