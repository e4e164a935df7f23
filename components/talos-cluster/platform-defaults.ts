/**
 * What the platform sets in every Talos machine config on top of Talos's own defaults, in one
 * place so a reviewer can see each choice and the reason for it.
 *
 * Tetragon needs no machine-config change: the Talos kernel ships BTF (/sys/kernel/btf/vmlinux),
 * so CO-RE programs load without kernel headers, and tracefs is already at /sys/kernel/tracing.
 * Talos never mounts debugfs, so the security stack mounts /sys/kernel/tracing into the Tetragon
 * pods itself (chart `extraHostPathMounts`); nothing here has to open anything up for it.
 */

/** Talos's own pod-security defaults, written out because an absent admissionControl means none. */
export const podSecurityAdmission = {
  name: "PodSecurity",
  configuration: {
    apiVersion: "pod-security.admission.config.k8s.io/v1",
    kind: "PodSecurityConfiguration",
    // Same as `talosctl gen config`: enforce baseline, warn and audit at restricted. Platform
    // namespaces that need more (Tetragon, log collectors) say so with their own labels.
    defaults: {
      enforce: "baseline",
      "enforce-version": "latest",
      audit: "restricted",
      "audit-version": "latest",
      warn: "restricted",
      "warn-version": "latest",
    },
    exemptions: { namespaces: ["kube-system"], runtimeClasses: [], usernames: [] },
  },
} as const;

/** Talos's default audit policy (metadata of every request), kept explicit like the PSA config. */
export const auditPolicy = {
  apiVersion: "audit.k8s.io/v1",
  kind: "Policy",
  rules: [{ level: "Metadata" }],
} as const;

export interface ResourceAmounts {
  readonly cpu: string;
  readonly memory: string;
}

/**
 * Talos' own `systemReserved` (siderolabs/talos v1.13.9, internal/app/machined/pkg/controllers/k8s/kubelet_spec.go
 * and pkg/machinery/constants): cpu 50m, memory 512Mi (control plane) / 384Mi (worker), pid 100,
 * ephemeral-storage 256Mi. Talos fills these in only when `systemReserved` is empty, so a
 * `kubelet.extraConfig.systemReserved` replaces all of them: whatever we set must carry pid and
 * ephemeral-storage too, or the kubelet stops reserving them.
 */
export const talosSystemReservedDefaults = { pid: "100", "ephemeral-storage": "256Mi" } as const;

/** `systemReserved`: cpu and memory (counted by the capacity report) plus Talos' other reservations. */
export type SystemReserved = ResourceAmounts & typeof talosSystemReservedDefaults;

/**
 * What the kubelet keeps away from pods (`systemReserved` + `kubeReserved`), per role. Set in the
 * machine config and read back by the capacity report, so the two cannot drift apart. Control
 * planes reserve more because etcd runs as a Talos service, outside any pod's requests. CPU and
 * memory are above Talos' defaults; pid and ephemeral-storage are Talos' own (see above).
 */
export const kubeletReservations = {
  controlplane: {
    systemReserved: { cpu: "500m", memory: "1536Mi", ...talosSystemReservedDefaults },
    kubeReserved: { cpu: "100m", memory: "256Mi" },
  },
  worker: {
    systemReserved: { cpu: "200m", memory: "512Mi", ...talosSystemReservedDefaults },
    kubeReserved: { cpu: "100m", memory: "256Mi" },
  },
} as const satisfies Record<"controlplane" | "worker", { systemReserved: SystemReserved; kubeReserved: ResourceAmounts }>;

/**
 * The kubelet's default hard-eviction threshold for memory. Not set in the config (setting
 * evictionHard replaces every default signal), only counted: pods cannot use this memory either.
 */
export const kubeletEvictionHardMemoryMiB = 100;

/**
 * Requests of the control-plane static pods. Set explicitly so the scheduler and the capacity
 * report both count them; the values are the upstream kubeadm/Talos defaults.
 */
export const controlPlanePodResources = {
  apiServer: { requests: { cpu: "200m", memory: "512Mi" } },
  controllerManager: { requests: { cpu: "50m", memory: "256Mi" } },
  scheduler: { requests: { cpu: "10m", memory: "64Mi" } },
} as const satisfies Record<string, { requests: ResourceAmounts }>;

/** Image repositories; the tag is always the configured Kubernetes version. */
export const kubernetesImages = {
  kubelet: "ghcr.io/siderolabs/kubelet",
  apiServer: "registry.k8s.io/kube-apiserver",
  controllerManager: "registry.k8s.io/kube-controller-manager",
  scheduler: "registry.k8s.io/kube-scheduler",
  proxy: "registry.k8s.io/kube-proxy",
} as const;

/** Local port of KubePrism, the on-node API load balancer (Talos default). */
export const kubePrismPort = 7445;

/** Name the node's single NIC gets inside Talos, whatever the kernel calls it. */
export const primaryLinkAlias = "net0";
