/**
 * Names and ports the logging half shares with its network policies, the metrics half (Grafana's
 * datasource URL) and the alerts. Release names prefix every object the charts create, so changing
 * one renames, and therefore recreates, the whole release.
 */

import { serviceHost } from "../metrics/names";

export const victoriaLogsRelease = "vls";
export const collectorRelease = "vlc";

/** The chart's server Service: `<release>-victoria-logs-single-server` (chart helper `vm.plain.fullname`). */
export const victoriaLogsServiceName = `${victoriaLogsRelease}-victoria-logs-single-server`;

/**
 * The Prometheus `job` of the VictoriaLogs scrape. The operator names a ServiceMonitor's job after
 * the Service unless the monitor sets `jobLabel`, which the chart does not.
 */
export const victoriaLogsJob = victoriaLogsServiceName;

/** Our own Service for syslog only, so the HTTP API (queries, deletes) never sits on a LAN address. */
export const syslogServiceName = "victoria-logs-syslog";

export const ports = {
  /** VictoriaLogs HTTP: ingestion, LogsQL queries and /metrics. */
  victoriaLogsHttp: 9428,
  /** vlagent's HTTP listener, which serves /metrics (fixed in the collector chart's DaemonSet). */
  collectorHttp: 9429,
  syslog: 514,
  /** kube-apiserver on the control-plane nodes, where the collector reads pod metadata. */
  kubeApiserver: 6443,
} as const;

/**
 * Selector labels the charts put on their pods (`vm.selectorLabels`: chart name + release). Policies
 * select pods with them; the `app` label the server also carries is left out on purpose, so a chart
 * change there cannot silently detach a policy.
 */
export const victoriaLogsPodLabels = {
  "app.kubernetes.io/name": "victoria-logs-single",
  "app.kubernetes.io/instance": victoriaLogsRelease,
} as const;

export const collectorPodLabels = {
  "app.kubernetes.io/name": "victoria-logs-collector",
  "app.kubernetes.io/instance": collectorRelease,
} as const;

/**
 * In-cluster base URL of VictoriaLogs (no path): Grafana's datasource and the collector's remote
 * write. Fully qualified, like the metrics half's datasource URLs, so all four read alike.
 */
export function victoriaLogsUrlFor(namespace: string): string {
  return `http://${serviceHost(victoriaLogsServiceName, namespace)}:${ports.victoriaLogsHttp}`;
}
