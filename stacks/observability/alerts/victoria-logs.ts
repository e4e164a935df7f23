import type { RuleGroup } from "../../building-blocks/prometheus-rule";
import { victoriaLogsJob } from "../public";
import { runbookFor } from "./runbooks";

/**
 * VictoriaLogs health. Metric names are VictoriaLogs' own (app/vlstorage, app/vlinsert, lib/netutil):
 * vl_rows_ingested_total{type}, vl_rows_dropped_total{reason}, vl_data_size_bytes{type},
 * vl_free_disk_space_bytes{path}, vl_storage_is_read_only{path}, vl_errors_total{type="syslog"},
 * vl_udp_errors_total{type="syslog"}, vm_tcplistener_errors_total{name="syslog"}.
 */

/** The numbers the rules compare against; the promtool tests build their series from these. */
export const victoriaLogsThresholds = {
  /**
   * Share of (data + free space) taken by data. Above the retention valve (maxDiskUsagePercent,
   * at most 85), so it only fires when dropping old days no longer frees enough room.
   */
  diskUsedRatio: 0.9,
  /** Syslog errors per second (parse errors, UDP read errors, TCP accept errors), i.e. 6 a minute. */
  syslogErrorsPerSecond: 0.1,
  /** Share of incoming rows dropped (timestamps outside retention, too many fields, ...). */
  droppedRowsRatio: 0.01,
} as const;

const category = "logging";
const byPod = "namespace, pod";

export const victoriaLogsRules: RuleGroup = {
  name: "victoria-logs",
  rules: [
    {
      alert: "VictoriaLogsDown",
      // absent() also fires when Prometheus never found the target (ServiceMonitor not selected).
      expr: `absent(up{job="${victoriaLogsJob}"} == 1)`,
      for: "5m",
      severity: "critical",
      category,
      summary: "VictoriaLogs is down or not scraped.",
      description: "No VictoriaLogs target has been up for 5 minutes: pod logs and syslog are not being stored, and Grafana's log panels are empty.",
      runbook: runbookFor("VictoriaLogsDown"),
    },
    {
      alert: "VictoriaLogsIngestionStopped",
      // The collector ships every pod's output, so a healthy cluster never goes 15 minutes silent.
      expr: `sum by (${byPod}) (rate(vl_rows_ingested_total[15m])) == 0`,
      for: "15m",
      severity: "warning",
      category,
      summary: "VictoriaLogs has stopped ingesting logs.",
      description: "VictoriaLogs {{ $labels.namespace }}/{{ $labels.pod }} is up but has stored no log rows for 30 minutes: the collector or syslog senders cannot reach it.",
      runbook: runbookFor("VictoriaLogsIngestionStopped"),
    },
    {
      alert: "VictoriaLogsDiskNearlyFull",
      // VictoriaLogs does not export the volume size; data + free space approximates it on a
      // volume that holds nothing else.
      expr: `sum by (${byPod}) (vl_data_size_bytes) / (sum by (${byPod}) (vl_data_size_bytes) + sum by (${byPod}) (vl_free_disk_space_bytes)) > ${victoriaLogsThresholds.diskUsedRatio}`,
      for: "30m",
      severity: "warning",
      category,
      summary: "VictoriaLogs volume is nearly full.",
      description: "VictoriaLogs {{ $labels.namespace }}/{{ $labels.pod }} data fills more of its volume than the retention valve should allow; it turns read-only when the disk is full.",
      runbook: runbookFor("VictoriaLogsDiskNearlyFull"),
    },
    {
      alert: "VictoriaLogsStorageReadOnly",
      expr: `max by (${byPod}) (vl_storage_is_read_only) == 1`,
      for: "5m",
      severity: "critical",
      category,
      summary: "VictoriaLogs storage is read-only.",
      description: "VictoriaLogs {{ $labels.namespace }}/{{ $labels.pod }} rejects all new logs because its volume is out of free space.",
      runbook: runbookFor("VictoriaLogsStorageReadOnly"),
    },
    {
      alert: "VictoriaLogsSyslogErrors",
      // Three counters with the same labels once rate() drops their names; label_replace tags each
      // with its source so `or` keeps all three instead of the first.
      expr: [
        `sum by (${byPod}) (`,
        `  label_replace(rate(vl_errors_total{type="syslog"}[5m]), "source", "parse", "", "")`,
        `  or label_replace(rate(vl_udp_errors_total{type="syslog"}[5m]), "source", "udp", "", "")`,
        `  or label_replace(rate(vm_tcplistener_errors_total{name="syslog"}[5m]), "source", "tcp", "", "")`,
        `) > ${victoriaLogsThresholds.syslogErrorsPerSecond}`,
      ].join("\n"),
      for: "15m",
      severity: "warning",
      category,
      summary: "VictoriaLogs syslog listeners report errors.",
      description: "VictoriaLogs {{ $labels.namespace }}/{{ $labels.pod }} fails to parse or receive syslog messages (malformed lines, UDP read or TCP accept errors); some device logs are lost.",
      runbook: runbookFor("VictoriaLogsSyslogErrors"),
    },
    {
      alert: "VictoriaLogsRowsDropped",
      expr: `sum by (${byPod}) (rate(vl_rows_dropped_total[15m])) / (sum by (${byPod}) (rate(vl_rows_ingested_total[15m])) + sum by (${byPod}) (rate(vl_rows_dropped_total[15m]))) > ${victoriaLogsThresholds.droppedRowsRatio}`,
      for: "15m",
      severity: "warning",
      category,
      summary: "VictoriaLogs drops incoming log rows.",
      description: "VictoriaLogs {{ $labels.namespace }}/{{ $labels.pod }} drops a noticeable share of incoming rows, most often because a sender's clock puts them outside the retention window.",
      runbook: runbookFor("VictoriaLogsRowsDropped"),
    },
  ],
};
