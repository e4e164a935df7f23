import type { RuleGroup } from "../../building-blocks/prometheus-rule";
import { releases } from "../public";
import { runbookFor } from "./runbooks";

/**
 * Thanos and the Prometheus → Thanos sidecar path. kube-prometheus-stack 88's default rules cover
 * Prometheus itself (config reloads, rule failures, remote write, TSDB reload/compaction failures)
 * but ship nothing for Thanos and nothing for WAL corruption, so only those are here.
 *
 * Selectors: the sidecar is the `thanos-sidecar` container of the Prometheus pod (the operator
 * adds the `container` label to every scraped target). The Thanos chart's ServiceMonitors take
 * the job from the Service label `app.kubernetes.io/component-instance` (chart value
 * `serviceMonitor.jobLabel`), which is `<release>-<component>`.
 */

/** Jobs of the Thanos components, from the metrics half's release name. */
export const thanosJobs = {
  storeGateway: `${releases.thanos}-store-gateway`,
  query: `${releases.thanos}-query`,
} as const;

export const sidecarContainer = "thanos-sidecar";

/** The numbers the rules compare against; the promtool tests build their series from these. */
export const thanosThresholds = {
  /**
   * Window without a single block upload. Prometheus cuts a block every 2h once the head spans
   * 3h, so 6h without an upload means at least two blocks are stuck locally.
   */
  noUploadWindowHours: 6,
} as const;

const category = "metrics";
const byPod = "namespace, pod";
const sidecar = `container="${sidecarContainer}"`;

export const thanosRules: RuleGroup = {
  name: "thanos",
  rules: [
    {
      alert: "ThanosCompactHalted",
      expr: `max by (${byPod}) (thanos_compact_halted) == 1`,
      for: "5m",
      severity: "warning",
      category,
      summary: "Thanos compactor has halted.",
      description: "Thanos compactor {{ $labels.namespace }}/{{ $labels.pod }} stopped after an error: no compaction, downsampling or retention runs, so the bucket only grows.",
      runbook: runbookFor("ThanosCompactHalted"),
    },
    {
      alert: "ThanosStoreGatewayDown",
      expr: `absent(up{job="${thanosJobs.storeGateway}"} == 1)`,
      for: "5m",
      severity: "warning",
      category,
      summary: "Thanos store gateway is down.",
      description: "No Thanos store gateway target has been up for 5 minutes: queries older than Prometheus' local retention return nothing.",
      runbook: runbookFor("ThanosStoreGatewayDown"),
    },
    {
      alert: "ThanosQueryDown",
      expr: `absent(up{job="${thanosJobs.query}"} == 1)`,
      for: "5m",
      severity: "critical",
      category,
      summary: "Thanos query is down.",
      description: "No Thanos query target has been up for 5 minutes: Grafana's metrics datasource fails.",
      runbook: runbookFor("ThanosQueryDown"),
    },
  ],
};

export const prometheusStorageRules: RuleGroup = {
  name: "prometheus-storage",
  rules: [
    {
      alert: "ThanosSidecarPrometheusUnreachable",
      expr: `max by (${byPod}) (thanos_sidecar_prometheus_up{${sidecar}}) == 0`,
      for: "5m",
      severity: "warning",
      category,
      summary: "Thanos sidecar cannot reach its Prometheus.",
      description: "The Thanos sidecar in {{ $labels.namespace }}/{{ $labels.pod }} cannot reach Prometheus: recent data is missing from Thanos queries and no blocks are uploaded.",
      runbook: runbookFor("ThanosSidecarPrometheusUnreachable"),
    },
    {
      alert: "ThanosSidecarBucketOperationsFailed",
      expr: `sum by (${byPod}) (rate(thanos_objstore_bucket_operation_failures_total{${sidecar}}[5m])) > 0`,
      for: "15m",
      severity: "warning",
      category,
      summary: "Thanos sidecar fails to write to object storage.",
      description: "The Thanos sidecar in {{ $labels.namespace }}/{{ $labels.pod }} keeps failing bucket operations: blocks pile up on the Prometheus volume instead of reaching MinIO.",
      runbook: runbookFor("ThanosSidecarBucketOperationsFailed"),
    },
    {
      alert: "ThanosSidecarNoUploads",
      // Only for sidecars older than the window: a fresh pod has had no chance to cut a block yet.
      expr: [
        `sum by (${byPod}) (increase(thanos_shipper_uploads_total{${sidecar}}[${thanosThresholds.noUploadWindowHours}h])) == 0`,
        `and on (${byPod})`,
        `(time() - max by (${byPod}) (process_start_time_seconds{${sidecar}})) > ${thanosThresholds.noUploadWindowHours * 3600}`,
      ].join("\n"),
      for: "30m",
      severity: "warning",
      category,
      summary: "Thanos sidecar has not uploaded a block for hours.",
      // thanos_shipper_uploads_total counts attempts, failed ones too: failures are the
      // BucketOperationsFailed alert's; this one catches a shipper that tries nothing at all.
      description: `The Thanos sidecar in {{ $labels.namespace }}/{{ $labels.pod }} has not tried to upload a block in ${thanosThresholds.noUploadWindowHours}h: long-term history stops growing and is lost when Prometheus' local retention ends.`,
      runbook: runbookFor("ThanosSidecarNoUploads"),
    },
    {
      alert: "PrometheusTSDBWALCorruptions",
      expr: `sum by (${byPod}) (increase(prometheus_tsdb_wal_corruptions_total[1h])) > 0`,
      severity: "warning",
      category,
      summary: "Prometheus found a corrupted write-ahead log.",
      description: "Prometheus {{ $labels.namespace }}/{{ $labels.pod }} repaired a corrupted WAL in the last hour; samples since the last block may be lost. Check the volume.",
      runbook: runbookFor("PrometheusTSDBWALCorruptions"),
    },
  ],
};
