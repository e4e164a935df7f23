import type { ObservabilityConfig } from "../../../config/schema";
import { ports } from "./names";

/**
 * Helm values for victoria-logs-single and victoria-logs-collector, built from config only. Every
 * key exists in the pinned chart's values.yaml (tests check it against the shared reference copy),
 * except those listed in `freeFormValueKeys` with the reason the chart cannot declare them.
 */

export type VictoriaLogsConfig = ObservabilityConfig["victoriaLogs"];

/**
 * Keys the charts pass through without declaring them in values.yaml: flags under extraArgs (one
 * key per VictoriaLogs flag), security contexts (handed to the pod verbatim, minus `enabled`) and
 * the StatefulSet spec (rendered verbatim into the StatefulSet).
 */
export const freeFormValueKeys = {
  victoriaLogs: ["server.extraArgs", "server.podSecurityContext", "server.statefulSet.spec"],
  collector: ["podSecurityContext", "securityContext"],
} as const;

/** The sysctl that lets the non-root server bind 514. It is in the kubelet's safe set, so `restricted` admits it. */
export const unprivilegedPortSysctl = { name: "net.ipv4.ip_unprivileged_port_start", value: "0" } as const;

/** Stream fields vlagent uses by default; extra ones from config are appended. */
export const defaultCollectorStreamFields = [
  "kubernetes.container_name",
  "kubernetes.pod_name",
  "kubernetes.pod_namespace",
] as const;

/** Both charts' container securityContext: no privilege escalation, no capabilities, read-only root. */
const restrictedContainer = {
  enabled: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
} as const;

export interface VictoriaLogsValuesInput {
  readonly config: VictoriaLogsConfig;
  /** StorageClass for the data volume; the cluster default when undefined. */
  readonly storageClass: string | undefined;
  /** IANA zone for RFC3164 syslog timestamps, which carry no zone of their own. */
  readonly timezone: string;
}

export function victoriaLogsValues({ config, storageClass, timezone }: VictoriaLogsValuesInput): Record<string, unknown> {
  // Behind a LoadBalancer with externalTrafficPolicy Local the peer address is the sending device;
  // through a Gateway it is the proxy (Envoy's UDP proxy is not transparent), which would mislead.
  const useRemoteIP = config.syslog.type === "loadBalancer";
  const listener = (name: string) => ({ name, value: `:${ports.syslog}`, useRemoteIP });
  return {
    server: {
      retentionPeriod: config.retention,
      retentionMaxDiskUsagePercent: config.maxDiskUsagePercent,
      persistentVolume: {
        enabled: true,
        size: config.volumeSize,
        ...(storageClass === undefined ? {} : { storageClassName: storageClass }),
      },
      // The StatefulSet's claim (not a Pulumi resource) must outlive the release: Kubernetes'
      // default, spelled out so nobody flips it while tidying values.
      statefulSet: { spec: { persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" } } },
      resources: config.resources,
      syslog: { tcp: [listener("syslog-tcp")], udp: [listener("syslog-udp")] },
      extraArgs: { "syslog.timezone": timezone },
      // Spelled out in full (not left to chart defaults) so a reviewer sees every `restricted`
      // requirement in one place, and a chart default change cannot drop one.
      podSecurityContext: {
        enabled: true,
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 2000,
        seccompProfile: { type: "RuntimeDefault" },
        // Without it the non-root process cannot bind 514: Kubernetes has no ambient
        // capabilities, so adding NET_BIND_SERVICE to a non-root container does not work.
        sysctls: [unprivilegedPortSysctl],
      },
      securityContext: { ...restrictedContainer },
      serviceMonitor: { enabled: true },
    },
    // Off: at 0.13.9 the chart renders every file under files/dashboards and drops each one's
    // `condition` unevaluated, so "on" also provisions "Vector K8S Monitoring" for a Vector this
    // platform does not run. There is no per-dashboard switch; the single-node dashboard goes too.
    dashboards: { enabled: false },
  };
}

export interface CollectorValuesInput {
  readonly config: VictoriaLogsConfig;
  /** VictoriaLogs base URL; the chart appends /insert/native. */
  readonly victoriaLogsUrl: string;
}

export function collectorValues({ config, victoriaLogsUrl }: CollectorValuesInput): Record<string, unknown> {
  return {
    remoteWrite: [{ url: victoriaLogsUrl }],
    collector: {
      streamFields: [...defaultCollectorStreamFields, ...config.extraStreamFields],
      // No `excludeFilter` (the chart's default is "", which renders no flag): nothing is
      // excluded, so Tetragon's `export-stdout` container (security namespace) arrives. Its JSON
      // lines are parsed by vlagent itself; nested objects become dotted fields such as
      // process_exec.process.binary, and their `time` field becomes _time.
      includePodLabels: true,
    },
    resources: config.collectorResources,
    // Control-plane nodes run workloads here, and their logs matter most; tolerate their taint
    // so the DaemonSet also covers clusters that keep it.
    tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }],
    // Root (the default) because container log files are root-owned, but with no capabilities
    // and a read-only root filesystem: it only reads /var/log and writes its own hostPath state.
    podSecurityContext: { enabled: true, seccompProfile: { type: "RuntimeDefault" } },
    securityContext: { ...restrictedContainer },
    podMonitor: { enabled: true },
  };
}
