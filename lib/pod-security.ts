/**
 * Pod Security facts the platform namespaces, the stacks and the policy pack all read. Plain data
 * in one module, so the namespace component writes exactly the label and annotation the policy pack
 * checks, and a stack records exactly the reason the pack's allowlist gives.
 */

/** Pod Security Standard a namespace enforces. Talos enforces `baseline` unless told otherwise. */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

export const podSecurityLevels: readonly PodSecurityLevel[] = ["restricted", "baseline", "privileged"];

/** The pod-security admission label (kubernetes.io) that selects the enforced level. */
export const enforceLabel = "pod-security.kubernetes.io/enforce";

/** Where a privileged namespace says why it needs to be (components/platform-namespace writes it). */
export const privilegedReasonAnnotation = "home-platform.dev/privileged-reason";

/**
 * Why each platform workload needs a privileged namespace. One text per workload: the stacks
 * record it in their namespace's `home-platform.dev/privileged-reason` annotation, and the policy
 * pack's allowlist names the same reason, so the two never drift apart.
 */
export const privilegedReasons = {
  tetragon: "Tetragon: privileged hostNetwork DaemonSet loading eBPF programs, with /sys/fs/bpf, /proc and tracefs from the host",
  logCollector: "Log collector: reads every pod's logs from the nodes' /var/log (hostPath)",
  runners: "CI runners: docker-in-docker needs a privileged container",
  nodeExporter: "node-exporter: the host's network, PID namespace and filesystem for node metrics",
  veleroNodeAgent: "Velero node agent: runs as root with hostPath /var/lib/kubelet/pods to read pod volumes for file-system backups",
  localPv: "OpenEBS LocalPV: helper pods create and delete volume directories on the node through a privileged hostPath mount",
} as const;
