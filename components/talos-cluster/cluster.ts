import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig, ProxmoxConfig } from "../../config/schema";
import type { ClusterCapacity } from "../../lib/capacity";
import { clusterCapacity } from "./capacity";
import { createAdminCredentials, kubernetesClusterIdentifier } from "./client-config";
import { createTalosCommands } from "./commands";
import { createImageDownloads } from "./image";
import { nodeMachineConfig, type TalosApiAccess, type TalosDocument } from "./machine-config";
import { machineFoundationsPatch, type MachineFoundations } from "./machine-foundations";
import type { PatchedDocument } from "./merge";
import { createClusterSecrets } from "./secrets";
import { secretYaml } from "./serialize";
import { bootstrapNode, clusterEndpoint, controlPlaneNodes } from "./topology";
import { createNodeVm } from "./vm";

export interface TalosClusterArgs {
  /** `home-platform:cluster`, already validated by config/schema. */
  readonly cluster: ClusterConfig;
  /** `home-platform:proxmox`, already validated by config/schema. */
  readonly proxmox: ProxmoxConfig;
  /** Proxmox API token (`user@realm!tokenid=secret`) from the SOPS file. Treated as a secret. */
  readonly proxmoxApiToken: pulumi.Input<string>;
  /** talosctl binary the apply, bootstrap and health commands run. Defaults to "talosctl" on PATH. */
  readonly talosctl?: string;
  /** How long `talosctl health` waits for a healthy cluster, in minutes. Defaults to 20. */
  readonly healthTimeoutMinutes?: number;
  /** Talos API roles workloads in the given namespaces may hold (control planes only); none by default. */
  readonly talosApiAccess?: TalosApiAccess;
  /**
   * What the foundations layer needs in every machine config (machine-foundations.ts): no Talos
   * CNI or kube-proxy when it installs Cilium, and the kubelet mount of the hostpath base. With
   * `cni`, the health check is deferred until `createHealthCommand` is called after the CNI, and the
   * Kubernetes provider waits only for the API server. Defaults to Talos' own CNI and no mounts.
   */
  readonly foundations?: MachineFoundations;
}

/** One node's machine config: the v1alpha1 document first, then the network documents. */
export type MachineConfigDocuments = readonly (TalosDocument | PatchedDocument)[];

export interface TalosClusterParts {
  readonly proxmoxProvider: proxmoxve.Provider;
  readonly vms: Readonly<Record<string, proxmoxve.VmLegacy>>;
  readonly machineConfigs: Readonly<Record<string, MachineConfigDocuments>>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly talosconfig: pulumi.Output<string>;
  readonly kubernetesProvider: k8s.Provider;
  readonly endpoint: string;
  readonly nodeAddresses: Readonly<Record<string, string>>;
  readonly capacity: ClusterCapacity;
  readonly createHealthCommand: (after: readonly pulumi.Resource[]) => pulumi.Resource;
  readonly health?: pulumi.Resource;
}

/**
 * Checks the arguments stack config doesn't cover. Node placement and roles are checked once, by
 * the config checks (config/checks.ts); the component trusts them, and only asserts below where
 * unvalidated args would otherwise fail obscurely.
 */
export function validateTalosClusterArgs(args: Pick<TalosClusterArgs, "healthTimeoutMinutes">): string[] {
  const problems: string[] = [];
  if (args.healthTimeoutMinutes !== undefined && !(args.healthTimeoutMinutes > 0)) {
    problems.push("healthTimeoutMinutes must be greater than 0");
  }
  return problems;
}

export function createTalosCluster(name: string, args: TalosClusterArgs, parent: pulumi.Resource): TalosClusterParts {
  const { cluster, proxmox } = args;
  const proxmoxProvider = new proxmoxve.Provider(
    `${name}-proxmox`,
    {
      endpoint: proxmox.endpoint,
      insecure: proxmox.insecure,
      apiToken: pulumi.secret(args.proxmoxApiToken),
      // The API token cannot do everything (disk import, some VM options); those calls go over
      // SSH, to the addresses config gives rather than whatever the cluster API reports.
      ssh: {
        username: proxmox.ssh.username,
        agent: proxmox.ssh.agent,
        nodes: proxmox.hosts.map((host) => ({ name: host.name, address: host.address })),
      },
    },
    { parent },
  );
  const onProxmox = { parent, provider: proxmoxProvider };

  const secrets = createClusterSecrets(name, parent);
  const machineConfigs: Record<string, MachineConfigDocuments> = {};
  const machineConfigYaml: Record<string, pulumi.Output<string>> = {};
  for (const node of cluster.nodes) {
    machineConfigs[node.name] = nodeMachineConfig(cluster, node, secrets.bundle, args.talosApiAccess, machineFoundationsPatch(args.foundations));
    machineConfigYaml[node.name] = secretYaml(machineConfigs[node.name]);
  }

  const images = createImageDownloads(name, cluster, proxmox, onProxmox);
  const vms: Record<string, proxmoxve.VmLegacy> = {};
  for (const node of cluster.nodes) {
    const image = images.get(node.host);
    // Only reachable with args that skipped the config checks, which report unknown hosts.
    if (!image) {
      throw new pulumi.ResourceError(`node ${node.name} is on host "${node.host}", which is not in proxmox.hosts (args not validated by config/checks.ts)`, parent);
    }
    vms[node.name] = createNodeVm(name, cluster, node, image, onProxmox);
  }

  const endpoint = clusterEndpoint(cluster);
  const controlPlaneIps = controlPlaneNodes(cluster).map((node) => node.ip);
  const { kubeconfig, talosconfig } = createAdminCredentials(
    name,
    {
      clusterName: cluster.name,
      server: endpoint,
      endpoints: controlPlaneIps,
      nodes: [bootstrapNode(cluster).ip],
      osCa: secrets.osCa,
      kubernetesCa: secrets.kubernetesCa,
    },
    parent,
  );

  const commands = createTalosCommands(
    name,
    {
      cluster,
      machineConfigs: machineConfigYaml,
      vms,
      talosconfig,
      talosctl: args.talosctl ?? "talosctl",
      healthTimeoutMinutes: args.healthTimeoutMinutes ?? 20,
      deferHealth: args.foundations?.cni ?? false,
    },
    parent,
  );

  // Everything on this provider waits for a healthy cluster, not merely a reachable API; with a CNI
  // from the foundations layer it waits for the API only, and the layer orders the rest after health.
  const kubernetesProvider = new k8s.Provider(
    `${name}-kubernetes`,
    {
      kubeconfig,
      // Stable across admin-certificate renewals and any kubeconfig edit that keeps the CA, so
      // those never replace the provider and, with it, every Kubernetes resource (client-config.ts).
      clusterIdentifier: kubernetesClusterIdentifier(secrets.kubernetesCa.certPem),
      // After a cluster rebuild the old API server is gone for good; without this, refresh and
      // destroy fail on every resource of the unreachable cluster instead of dropping it from
      // state. The cost: a refresh while the cluster is merely down drops them too (an `up`
      // then re-creates them), so refresh only a running cluster.
      deleteUnreachable: true,
    },
    { parent, dependsOn: [commands.health ?? commands.apiReady!] },
  );

  return {
    proxmoxProvider,
    vms,
    machineConfigs,
    kubeconfig,
    talosconfig,
    kubernetesProvider,
    endpoint,
    nodeAddresses: Object.fromEntries(cluster.nodes.map((node) => [node.name, node.ip])),
    capacity: clusterCapacity(cluster, proxmox),
    createHealthCommand: commands.createHealthCommand,
    health: commands.health,
  };
}
