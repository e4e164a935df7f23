/**
 * Names and ports internal to the logging half: its network policies, syslog Service and values.
 * What the metrics half, the alerts and other stacks use lives in ../public.ts.
 */

import { releases, victoriaLogs } from "../public";

export const victoriaLogsRelease = releases.victoriaLogs;
export const collectorRelease = releases.logCollector;

/** Our own Service for syslog only, so the HTTP API (queries, deletes) never sits on a LAN address. */
export const syslogServiceName = "victoria-logs-syslog";

export const ports = {
  /** VictoriaLogs HTTP: ingestion, LogsQL queries and /metrics. */
  victoriaLogsHttp: victoriaLogs.httpPort,
  /** vlagent's HTTP listener, which serves /metrics (fixed in the collector chart's DaemonSet). */
  collectorHttp: 9429,
  syslog: 514,
  /** kube-apiserver on the control-plane nodes, where the collector reads pod metadata. */
  kubeApiserver: 6443,
} as const;

/** Selector labels the server chart puts on its pods (see ../public.ts). */
export const victoriaLogsPodLabels = victoriaLogs.podLabels;

/** Selector labels the collector chart puts on its pods (`vm.selectorLabels`: chart name + release). */
export const collectorPodLabels = {
  "app.kubernetes.io/name": "victoria-logs-collector",
  "app.kubernetes.io/instance": collectorRelease,
} as const;
