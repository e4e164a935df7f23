import type * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig, ClusterNodeConfig } from "../../config/schema";
import { applyPatches, type PatchedDocument } from "./merge";
import {
  auditPolicy,
  controlPlanePodResources,
  kubeletReservations,
  kubePrismPort,
  kubernetesImages,
  podSecurityAdmission,
  primaryLinkAlias,
} from "./platform-defaults";
import { clusterEndpoint, controlPlaneNodes, kubernetesTag, nodeMacAddress, prefixLength } from "./topology";

/**
 * Talos machine configs (v1.13 format) as typed objects. Secret leaves are whatever the caller
 * passes: secret Outputs in the program, plain strings in unit tests. Serialising is separate
 * (serialize.ts), so the same objects feed `talosctl apply-config` and the offline plan.
 *
 * Since Talos 1.12 the network lives in its own documents (HostnameConfig, LinkConfig, ...):
 * `machine.network` is gone from the v1alpha1 schema, so a node's config is a list of documents.
 */

/** A value that must never be shown: a key, a token, a shared secret. */
export type Secret = pulumi.Input<string>;

/** Base64-encoded PEM, as Talos spells certificates and keys; `key` absent where not needed. */
export interface EncodedCertAndKey {
  readonly crt: pulumi.Input<string>;
  readonly key?: Secret;
}

/** The cluster-wide secrets every machine config is built from (the `talosctl gen secrets` bundle). */
export interface ClusterSecretsBundle {
  readonly clusterId: Secret;
  readonly clusterSecret: Secret;
  readonly bootstrapToken: Secret;
  readonly trustdToken: Secret;
  readonly secretboxKey: Secret;
  readonly osCa: Required<EncodedCertAndKey>;
  readonly kubernetesCa: Required<EncodedCertAndKey>;
  readonly aggregatorCa: Required<EncodedCertAndKey>;
  readonly etcdCa: Required<EncodedCertAndKey>;
  readonly serviceAccountKey: Secret;
}

type Role = ClusterNodeConfig["role"];
type Resources = { readonly requests: { readonly cpu: string; readonly memory: string } };

export interface V1Alpha1Config {
  readonly version: "v1alpha1";
  readonly machine: {
    readonly type: Role;
    readonly token: Secret;
    readonly ca: EncodedCertAndKey;
    readonly certSANs: string[];
    readonly kubelet: {
      readonly image: string;
      readonly defaultRuntimeSeccompProfileEnabled: boolean;
      readonly disableManifestsDirectory: boolean;
      readonly nodeIP: { readonly validSubnets: string[] };
      readonly extraConfig: (typeof kubeletReservations)[Role];
    };
    readonly install: { readonly disk: string; readonly image: string; readonly wipe: boolean };
    readonly features: {
      readonly diskQuotaSupport: boolean;
      readonly kubePrism: { readonly enabled: boolean; readonly port: number };
      readonly hostDNS: { readonly enabled: boolean; readonly forwardKubeDNSToHost: boolean };
      readonly kubernetesTalosAPIAccess?: {
        readonly enabled: true;
        readonly allowedRoles: string[];
        readonly allowedKubernetesNamespaces: string[];
      };
    };
    readonly nodeLabels?: Record<string, string>;
  };
  readonly cluster: {
    readonly id: Secret;
    readonly secret: Secret;
    readonly controlPlane: { readonly endpoint: string };
    readonly clusterName: string;
    readonly network: { readonly dnsDomain: string; readonly podSubnets: string[]; readonly serviceSubnets: string[] };
    readonly token: Secret;
    readonly ca: EncodedCertAndKey;
    readonly proxy: { readonly image: string };
    readonly discovery: {
      readonly enabled: boolean;
      readonly registries: { readonly kubernetes: { readonly disabled: boolean }; readonly service: Record<string, never> };
    };
    // Control planes only: workers never receive the CA keys or the etcd/encryption secrets.
    readonly secretboxEncryptionSecret?: Secret;
    readonly aggregatorCA?: EncodedCertAndKey;
    readonly serviceAccount?: { readonly key: Secret };
    readonly apiServer?: {
      readonly image: string;
      readonly certSANs: string[];
      readonly admissionControl: (typeof podSecurityAdmission)[];
      readonly auditPolicy: typeof auditPolicy;
      readonly resources: Resources;
    };
    readonly controllerManager?: { readonly image: string; readonly resources: Resources };
    readonly scheduler?: { readonly image: string; readonly resources: Resources };
    readonly etcd?: { readonly ca: EncodedCertAndKey; readonly advertisedSubnets: string[] };
    readonly allowSchedulingOnControlPlanes?: boolean;
  };
}

interface NetworkDocumentBase<Kind extends string> {
  readonly apiVersion: "v1alpha1";
  readonly kind: Kind;
}
export interface HostnameConfig extends NetworkDocumentBase<"HostnameConfig"> {
  readonly hostname: string;
}
export interface LinkAliasConfig extends NetworkDocumentBase<"LinkAliasConfig"> {
  readonly name: string;
  readonly selector: { readonly match: string };
}
export interface LinkConfig extends NetworkDocumentBase<"LinkConfig"> {
  readonly name: string;
  readonly up: boolean;
  readonly addresses: { readonly address: string }[];
  readonly routes: { readonly gateway: string }[];
}
export interface ResolverConfig extends NetworkDocumentBase<"ResolverConfig"> {
  readonly nameservers: { readonly address: string }[];
}
export interface Layer2VIPConfig extends NetworkDocumentBase<"Layer2VIPConfig"> {
  readonly name: string;
  readonly link: string;
}

export type TalosDocument = V1Alpha1Config | HostnameConfig | LinkAliasConfig | LinkConfig | ResolverConfig | Layer2VIPConfig;

/**
 * Installer image for installs and `talosctl upgrade`: same schematic as the boot image, and the
 * Image Factory's installer for the platform the node boots as. `installer/<schematic>` is the
 * factory's legacy name for the *metal* installer; the factory builds one installer per platform
 * (`<platform>-installer`, the scheme talosctl v1.13.9 itself uses for `metal-installer`,
 * cmd/talosctl/cmd/mgmt/cluster/create/clusterops/configmaker/preset/preset.go), and our nodes
 * boot the nocloud image (image.ts), so the installed system keeps the nocloud platform.
 */
export function installerImage(cluster: Pick<ClusterConfig, "schematicId" | "talosVersion">): string {
  return `factory.talos.dev/nocloud-installer/${cluster.schematicId}:${cluster.talosVersion}`;
}

/** Talos API roles that workloads in the named namespaces may hold (e.g. os:etcd:backup for etcd snapshots). */
export interface TalosApiAccess {
  readonly roles: readonly string[];
  readonly namespaces: readonly string[];
}

/**
 * Every document of one node's machine config: the platform's config first, then the node's own
 * patches from stack config (merge rules in merge.ts).
 */
export function nodeMachineConfig(
  cluster: ClusterConfig,
  node: ClusterNodeConfig,
  secrets: ClusterSecretsBundle,
  talosApiAccess?: TalosApiAccess,
  /** The foundations layer's patch (machine-foundations.ts), applied before the node's own patches. */
  foundationsPatch?: Record<string, unknown>,
): (TalosDocument | PatchedDocument)[] {
  const documents: TalosDocument[] = [v1alpha1Config(cluster, node, secrets, talosApiAccess), ...networkDocuments(cluster, node)];
  return applyPatches(documents, [...(foundationsPatch ? [foundationsPatch] : []), ...node.patches]);
}

function v1alpha1Config(cluster: ClusterConfig, node: ClusterNodeConfig, secrets: ClusterSecretsBundle, talosApiAccess?: TalosApiAccess): V1Alpha1Config {
  const isControlPlane = node.role === "controlplane";
  const k8sTag = kubernetesTag(cluster.kubernetesVersion);
  const image = (repository: string) => `${repository}:${k8sTag}`;
  const machine: V1Alpha1Config["machine"] = {
    type: node.role,
    token: secrets.trustdToken,
    ca: isControlPlane ? secrets.osCa : { crt: secrets.osCa.crt },
    certSANs: [node.ip],
    kubelet: {
      image: image(kubernetesImages.kubelet),
      defaultRuntimeSeccompProfileEnabled: true,
      disableManifestsDirectory: true,
      // Register with the address on the node network, never a pod, VIP or link-local one.
      nodeIP: { validSubnets: nodeSubnets(cluster, node) },
      extraConfig: kubeletReservations[node.role],
    },
    install: { disk: cluster.installDisk, image: installerImage(cluster), wipe: false },
    features: {
      diskQuotaSupport: true,
      kubePrism: { enabled: true, port: kubePrismPort },
      hostDNS: { enabled: true, forwardKubeDNSToHost: true },
      // Talos rejects the feature on workers ("can only be enabled on control plane machines"):
      // the pods reach apid on the control planes through the `talos` Service in `default`.
      ...(isControlPlane && talosApiAccess && talosApiAccess.roles.length > 0
        ? {
            kubernetesTalosAPIAccess: {
              enabled: true as const,
              allowedRoles: [...talosApiAccess.roles],
              allowedKubernetesNamespaces: [...talosApiAccess.namespaces],
            },
          }
        : {}),
    },
    // Talos labels control planes out of external load balancers; when they are the nodes that
    // run workloads (our small clusters), that label would leave LoadBalancer Services with no
    // endpoints, so it is only kept when workloads stay off the control planes.
    ...(isControlPlane && !cluster.allowSchedulingOnControlPlanes
      ? { nodeLabels: { "node.kubernetes.io/exclude-from-external-load-balancers": "" } }
      : {}),
  };
  const common = {
    id: secrets.clusterId,
    secret: secrets.clusterSecret,
    controlPlane: { endpoint: clusterEndpoint(cluster) },
    clusterName: cluster.name,
    network: {
      dnsDomain: "cluster.local",
      podSubnets: [cluster.network.podCidr],
      serviceSubnets: [cluster.network.serviceCidr],
    },
    token: secrets.bootstrapToken,
    ca: isControlPlane ? secrets.kubernetesCa : { crt: secrets.kubernetesCa.crt },
    proxy: { image: image(kubernetesImages.proxy) },
    // The Kubernetes registry is deprecated upstream; the service registry only sees encrypted data.
    discovery: { enabled: true, registries: { kubernetes: { disabled: true }, service: {} } },
  };
  if (!isControlPlane) return { version: "v1alpha1", machine, cluster: common };
  return {
    version: "v1alpha1",
    machine,
    cluster: {
      ...common,
      secretboxEncryptionSecret: secrets.secretboxKey,
      aggregatorCA: secrets.aggregatorCa,
      serviceAccount: { key: secrets.serviceAccountKey },
      apiServer: {
        image: image(kubernetesImages.apiServer),
        certSANs: apiServerSans(cluster),
        admissionControl: [podSecurityAdmission],
        auditPolicy,
        resources: controlPlanePodResources.apiServer,
      },
      controllerManager: { image: image(kubernetesImages.controllerManager), resources: controlPlanePodResources.controllerManager },
      scheduler: { image: image(kubernetesImages.scheduler), resources: controlPlanePodResources.scheduler },
      etcd: { ca: secrets.etcdCa, advertisedSubnets: nodeSubnets(cluster, node) },
      allowSchedulingOnControlPlanes: cluster.allowSchedulingOnControlPlanes,
    },
  };
}

/**
 * Where kubelet and etcd pick the node's own address. The VIP is inside the node network but
 * moves between control planes, so it is excluded explicitly (`!` entries are Talos syntax).
 */
function nodeSubnets(cluster: ClusterConfig, node: ClusterNodeConfig): string[] {
  const holdsVip = node.role === "controlplane" && cluster.vip !== undefined;
  return holdsVip ? [cluster.network.cidr, `!${cluster.vip}/32`] : [cluster.network.cidr];
}

/** Every address a client may use for the API: the VIP and each control plane. */
function apiServerSans(cluster: ClusterConfig): string[] {
  const addresses = [...(cluster.vip ? [cluster.vip] : []), ...controlPlaneNodes(cluster).map((node) => node.ip)];
  return [...new Set(addresses)];
}

/**
 * Static network in the machine config. Proxmox cloud-init (nocloud) carries the same address so
 * the node is reachable in maintenance mode for the first `apply-config`; repeating it here keeps
 * the config self-contained (it does not depend on the cloud-init drive staying in sync) and gives
 * the VIP a named link. The NIC is selected by the MAC address we assign in Proxmox, so kernel
 * interface naming never matters.
 */
function networkDocuments(cluster: ClusterConfig, node: ClusterNodeConfig): TalosDocument[] {
  const mac = nodeMacAddress(node.vmId).toLowerCase();
  const documents: TalosDocument[] = [
    { apiVersion: "v1alpha1", kind: "HostnameConfig", hostname: node.name },
    {
      apiVersion: "v1alpha1",
      kind: "LinkAliasConfig",
      name: primaryLinkAlias,
      selector: { match: `mac(link.permanent_addr) == "${mac}"` },
    },
    {
      apiVersion: "v1alpha1",
      kind: "LinkConfig",
      name: primaryLinkAlias,
      up: true,
      addresses: [{ address: `${node.ip}/${prefixLength(cluster.network.cidr)}` }],
      routes: [{ gateway: cluster.network.gateway }],
    },
    {
      apiVersion: "v1alpha1",
      kind: "ResolverConfig",
      nameservers: cluster.network.nameservers.map((address) => ({ address })),
    },
  ];
  if (node.role === "controlplane" && cluster.vip) {
    documents.push({ apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: cluster.vip, link: primaryLinkAlias });
  }
  return documents;
}
