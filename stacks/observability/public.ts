/**
 * The observability stack's public surface: the names, labels, URLs and UIDs other stacks (and
 * this stack's own metrics, logging and alerts parts) may rely on. Everything else under
 * stacks/observability/ is internal. Other stacks import these from "../observability", whose
 * index.ts re-exports this module; nothing outside the stack imports its other files.
 *
 * Release names prefix every object the charts create, so changing one renames, and therefore
 * recreates, the whole release.
 */

/** Helm release names of the stack (`helm list -A` shows these). */
export const releases = {
  kubePrometheusStack: "kps",
  thanos: "thanos",
  prometheusOperatorCrds: "prometheus-operator-crds",
  victoriaLogs: "vls",
  logCollector: "vlc",
} as const;

/**
 * The label Grafana's dashboard sidecar collects ConfigMaps by, from every namespace. A stack
 * that ships a dashboard puts exactly this label on its ConfigMap; the Grafana values select it.
 */
export const dashboardSidecarLabel = { key: "grafana_dashboard", value: "1" } as const;

/** UIDs of Grafana's datasources, for dashboards that name a datasource. */
export const datasourceUids = {
  thanos: "thanos",
  prometheus: "prometheus",
  victoriaLogs: "victorialogs",
  alertmanager: "alertmanager",
} as const;

/**
 * Pod labels of the monitoring workloads that reach into other namespaces (set by the charts and
 * the operator; selector labels, which do not change between versions). A stack whose pods
 * Prometheus scrapes, or Grafana queries, admits these pods in its NetworkPolicies.
 */
export const monitoringPodLabels = {
  prometheus: { "app.kubernetes.io/name": "prometheus" },
  grafana: { "app.kubernetes.io/name": "grafana" },
} as const;

/** `<service>.<namespace>.svc.cluster.local`. */
export function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

/** VictoriaLogs' server: what Grafana, the collector, the alerts and other stacks' policies address. */
export const victoriaLogs = {
  /** The chart's server Service: `<release>-victoria-logs-single-server` (chart helper `vm.plain.fullname`). */
  serviceName: `${releases.victoriaLogs}-victoria-logs-single-server`,
  /** HTTP: ingestion, LogsQL queries and /metrics. */
  httpPort: 9428,
  /**
   * Selector labels the chart puts on its pods (`vm.selectorLabels`: chart name + release). The
   * `app` label the server also carries is left out on purpose, so a chart change there cannot
   * silently detach a policy.
   */
  podLabels: { "app.kubernetes.io/name": "victoria-logs-single", "app.kubernetes.io/instance": releases.victoriaLogs },
} as const;

/**
 * The Prometheus `job` of the VictoriaLogs scrape. The operator names a ServiceMonitor's job after
 * the Service unless the monitor sets `jobLabel`, which the chart does not.
 */
export const victoriaLogsJob = victoriaLogs.serviceName;

/**
 * In-cluster base URL of VictoriaLogs (no path): Grafana's datasource and the collector's remote
 * write. Fully qualified, like the metrics datasource URLs, so all four read alike.
 */
export function victoriaLogsUrlFor(namespace: string): string {
  return `http://${serviceHost(victoriaLogs.serviceName, namespace)}:${victoriaLogs.httpPort}`;
}
