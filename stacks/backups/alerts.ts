import type { AlertRule, RuleGroup } from "../building-blocks/prometheus-rule";
import { etcdCronJob } from "./names";

/**
 * The backup alerts (PrometheusRule `backup-alerts`). Velero's metrics are from its v1.18.1
 * pkg/metrics/metrics.go (scraped through the chart's ServiceMonitor); the etcd snapshots are a
 * CronJob, so theirs come from kube-state-metrics (kube_cronjob_status_last_successful_time,
 * kube_job_failed, kube_job_status_start_time).
 */

const category = "backups";
const runbook = (anchor: string) => `docs/restore.md#${anchor}`;

/** "No successful backup within 26 hours": a daily schedule plus two hours of slack for a slow run. */
export const freshnessHours = 26;
const freshnessSeconds = freshnessHours * 3600;

/** How long a failed snapshot Job keeps its alert: Kubernetes keeps failed Jobs (failedJobsHistoryLimit) much longer. */
const failedJobWindowSeconds = 2 * 3600;

export interface BackupAlertInputs {
  /** Namespace of the etcd snapshot CronJob; undefined when etcd snapshots are off. */
  readonly etcdNamespace?: string;
}

/**
 * "Last success older than 26h, or none at all within 26h of something that should have run":
 *   - the timestamp of the last success is older than 26h; or
 *   - the schedule (its `exists` series) was already there 26h ago, and no success timestamp has
 *     been seen for 26h: a schedule that never succeeded has no timestamp series at all, and after
 *     a restart Velero only sets it again on the next success.
 * A new schedule or a fresh Prometheus stays silent for its first 26h instead of paging at once;
 * `exists` is looked up over the day before that, so the rule also covers a Velero or
 * kube-state-metrics that has been down for up to a day. Each term keeps only the `by` labels.
 */
function notRecent(by: string, timestamp: string, exists: string): string {
  const latest = `max by (${by}) (${timestamp})`;
  return (
    `time() - ${latest} > ${freshnessSeconds}` +
    ` or (max by (${by}) (last_over_time(${exists}[1d] offset ${freshnessHours}h))` +
    ` unless on (${by}) max by (${by}) (max_over_time(${timestamp}[${freshnessHours}h])))`
  );
}

export function backupAlertGroups(inputs: BackupAlertInputs): RuleGroup[] {
  const velero: AlertRule[] = [
    {
      alert: "VeleroBackupFailed",
      // PartiallyFailed counts too: with file-system backups a volume that could not be read only
      // makes the backup partial, and that volume is then missing from it.
      // increase() drops the metric name, so the two counters' series of one schedule would collide
      // ("vector cannot contain metrics with the same labelset"): each keeps a `counter` label.
      expr: `sum by (schedule) (${["failure", "partial_failure"]
        .map((counter) => `label_replace(increase(velero_backup_${counter}_total{schedule!=""}[1h]), "counter", "${counter}", "", "")`)
        .join(" or ")}) > 0`,
      severity: "critical",
      category,
      summary: "A scheduled Velero backup failed",
      description: "A backup of schedule {{ $labels.schedule }} ended Failed or PartiallyFailed within the last hour; the data it should hold is not in the bucket.",
      runbook: runbook("a-backup-failed"),
    },
    {
      alert: "VeleroBackupNotRecent",
      // Velero sets the attempt counter to 0 for every Schedule it knows (metrics.InitSchedule).
      expr: notRecent("schedule", 'velero_backup_last_successful_timestamp{schedule!=""}', 'velero_backup_attempt_total{schedule!=""}'),
      severity: "critical",
      category,
      summary: `No successful Velero backup within ${freshnessHours}h`,
      description: `Schedule {{ $labels.schedule }} has not completed a backup in the last ${freshnessHours} hours: a restore would lose more than a day.`,
      runbook: runbook("no-recent-backup"),
    },
    {
      alert: "VeleroBackupStorageLocationUnavailable",
      expr: "max by (backup_location_name) (velero_backup_location_status_gauge) == 0",
      for: "15m",
      severity: "critical",
      category,
      summary: "Velero cannot reach its backup storage location",
      description: "BackupStorageLocation {{ $labels.backup_location_name }} has failed validation for 15 minutes (MinIO down, wrong credentials or bucket): no backup can be written or listed.",
      runbook: runbook("backup-storage-location-unavailable"),
    },
  ];
  const groups: RuleGroup[] = [{ name: "velero", rules: velero }];
  if (inputs.etcdNamespace !== undefined) {
    const jobs = `namespace="${inputs.etcdNamespace}", job_name=~"${etcdCronJob}-.+"`;
    const selector = `namespace="${inputs.etcdNamespace}", cronjob="${etcdCronJob}"`;
    const cronjob = `kube_cronjob_status_last_successful_time{${selector}}`;
    groups.push({
      name: "etcd-snapshots",
      rules: [
        {
          alert: "EtcdSnapshotFailed",
          // Failed Jobs stay listed long after the next success; only recent ones alert.
          expr: `max by (namespace, job_name) (kube_job_failed{${jobs}, condition="true"}) == 1 unless on (namespace, job_name) (time() - kube_job_status_start_time{${jobs}} > ${failedJobWindowSeconds})`,
          severity: "critical",
          category,
          summary: "An etcd snapshot job failed",
          description: "Job {{ $labels.namespace }}/{{ $labels.job_name }} failed after its retries: no etcd snapshot was uploaded this time.",
          runbook: runbook("an-etcd-snapshot-failed"),
        },
        {
          alert: "EtcdSnapshotNotRecent",
          expr: notRecent("namespace, cronjob", cronjob, `kube_cronjob_info{${selector}}`),
          severity: "critical",
          category,
          summary: `No successful etcd snapshot within ${freshnessHours}h`,
          description: `CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} has not completed a snapshot in the last ${freshnessHours} hours.`,
          runbook: runbook("an-etcd-snapshot-failed"),
        },
      ],
    });
  }
  return groups;
}
