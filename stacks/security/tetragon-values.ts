import type { SecurityConfig } from "../../config/schema";
import { chartResources, workloadRequest, type WorkloadRequest } from "../../lib/capacity";

/**
 * Helm values for the Tetragon chart, as a pure function of config so tests can check every key
 * against the pinned chart and the Talos-specific settings without a cluster.
 */

/**
 * Talos mounts neither debugfs nor tracefs in containers ("neither debugfs nor tracefs are
 * mounted", cilium/tetragon#4250); the agent needs tracefs for tracepoint ids and the list of
 * traceable functions. Talos provides it at /sys/kernel/tracing (cilium/tetragon#4541).
 */
export const tracefsMount = { name: "sys-kernel-tracing", mountPath: "/sys/kernel/tracing", readOnly: false } as const;

/**
 * Pod labels on Tetragon's metrics. `binary` is what AbnormalProcessExecution matches /tmp on, so
 * it stays; dropping any of these would silently break an alert.
 */
export const metricsLabels = ["namespace", "workload", "pod", "binary"] as const;

/** Exec/exit events are the bulk of the export; policy hits are never dropped by namespace. */
const lifecycleEvents = ["PROCESS_EXEC", "PROCESS_EXIT"] as const;

/** The chart's operator runs one replica unless told otherwise; we keep that. */
export const operatorReplicas = 1;

/**
 * Tetragon's export filters: one JSON object per line. A filter matches when all its fields
 * match; an event is exported when it matches an allow filter and no deny filter.
 */
export function exportFilters(tetragon: SecurityConfig["tetragon"]): { allow: string; deny: string } {
  const deniedNamespaces = [...(tetragon.exportHostEvents ? [] : [""]), ...tetragon.exportDenyNamespaces];
  const deny: Record<string, unknown>[] = [{ health_check: true }];
  if (deniedNamespaces.length > 0) deny.push({ event_set: [...lifecycleEvents], namespace: deniedNamespaces });
  return {
    allow: JSON.stringify({ event_set: tetragon.exportEventTypes }),
    deny: deny.map((filter) => JSON.stringify(filter)).join("\n"),
  };
}

export interface TetragonValuesInputs {
  readonly config: SecurityConfig;
}

export function tetragonValues({ config }: TetragonValuesInputs): Record<string, unknown> {
  const tetragon = config.tetragon;
  const filters = exportFilters(tetragon);
  // No selector labels: the observability stack's Prometheus selects every ServiceMonitor.
  const serviceMonitor = { enabled: true };
  return {
    extraHostPathMounts: [{ ...tracefsMount }],
    tetragon: {
      // No `btf`: Talos kernels expose /sys/kernel/btf/vmlinux, which the agent finds by itself
      // when the option is empty (pkg/btf observerFindBTF at v1.7.0), so CO-RE needs no headers.
      // Credentials and namespaces on every exec/kprobe event: privilege changes need both.
      enableProcessCred: true,
      enableProcessNs: true,
      resources: tetragon.resources,
      exportAllowList: filters.allow,
      exportDenyList: filters.deny,
      prometheus: {
        enabled: true,
        metricsLabelFilter: metricsLabels.join(","),
        serviceMonitor,
      },
    },
    tetragonOperator: {
      replicas: operatorReplicas,
      // The chart's default carries `limits.cpu: 500m`, which a memory-only limit would not replace.
      resources: chartResources(tetragon.operatorResources),
      // The operator installs the TracingPolicy CRDs our policies are instances of.
      tracingPolicy: { enabled: true },
      prometheus: { enabled: true, serviceMonitor },
    },
    export: {
      // The sidecar tails the export file and prints each event as one JSON line; the log
      // collector ships it to VictoriaLogs like any container's output.
      mode: "stdout",
      resources: tetragon.exportResources,
    },
  };
}

/** What the stack asks of the cluster, from the same resource objects the values carry. */
export function tetragonWorkloadRequests(config: SecurityConfig, stack = "security"): WorkloadRequest[] {
  return [
    workloadRequest(stack, "tetragon", "perNode", config.tetragon.resources),
    workloadRequest(stack, "tetragon-export-stdout", "perNode", config.tetragon.exportResources),
    workloadRequest(stack, "tetragon-operator", operatorReplicas, config.tetragon.operatorResources),
  ];
}
