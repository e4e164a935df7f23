import { rulesFile, type AlertRule } from "../../../stacks/building-blocks/prometheus-rule";
import { backupAlertGroups, freshnessHours } from "../../../stacks/backups/alerts";
import { promtoolCheckRules, promtoolTestRules, type ExpectedAlert, type InputSeries } from "../../helpers/promtool";

/**
 * Every backup alert through promtool against synthetic series shaped like Velero's v1.18.1
 * metrics and kube-state-metrics' CronJob/Job metrics: one scenario where it fires (exact labels
 * and annotations) and one where it stays silent. Series are sampled every 5 minutes; promtool's
 * clock starts at 0, so a "timestamp" value of N means N seconds after the start.
 */

const etcdNamespace = "etcd-backup";
const groups = backupAlertGroups({ etcdNamespace });
const rules = new Map<string, AlertRule>(groups.flatMap((group) => group.rules.map((rule) => [rule.alert, rule] as const)));
const hour = 3600;
const steps = (hours: number) => Math.round((hours * 60) / 5);

function firing(alert: string, labels: Record<string, string>): ExpectedAlert {
  const rule = rules.get(alert);
  if (!rule) throw new Error(`no alert ${alert}`);
  const render = (text: string) => text.replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, name: string) => labels[name] ?? "");
  return {
    exp_labels: { ...labels, severity: rule.severity, category: "backups" },
    exp_annotations: { summary: rule.summary, description: render(rule.description), runbook_url: rule.runbook },
  };
}

function expectAlert(alert: string, series: InputSeries[], evalTime: string, expected: ExpectedAlert[]): void {
  const result = promtoolTestRules(rulesFile(groups), [{ interval: "5m", input_series: series, alert_rule_test: [{ eval_time: evalTime, alertname: alert, exp_alerts: expected }] }]);
  if (!result.ok) throw new Error(`promtool test rules failed for ${alert}:\n${result.output}`);
}

const velero = { job: "velero", namespace: "velero", pod: "velero-abc" };
const metric = (name: string, labels: Record<string, string>, values: string): InputSeries => ({
  series: `${name}{${Object.entries({ ...labels })
    .map(([key, value]) => `${key}="${value}"`)
    .join(",")}}`,
  values,
});

describe("backup alert rules", () => {
  it("pass promtool check rules", () => {
    const result = promtoolCheckRules(rulesFile(groups));
    expect(result.output).toContain("SUCCESS");
    expect(result.ok).toBe(true);
  });

  it("are the alerts the issue asks for, each category=backups with a runbook in docs/restore.md", () => {
    expect([...rules.keys()].sort()).toEqual(
      ["EtcdSnapshotFailed", "EtcdSnapshotNotRecent", "VeleroBackupFailed", "VeleroBackupNotRecent", "VeleroBackupStorageLocationUnavailable"].sort(),
    );
    for (const rule of rules.values()) {
      expect(rule.category).toBe("backups");
      expect(rule.runbook).toMatch(/^docs\/restore\.md#[a-z-]+$/);
    }
    expect(freshnessHours).toBe(26);
  });

  it("leave out the etcd alerts when etcd snapshots are off", () => {
    expect(backupAlertGroups({}).flatMap((group) => group.rules.map((rule) => rule.alert))).not.toContain("EtcdSnapshotNotRecent");
  });
});

describe("VeleroBackupFailed", () => {
  it("fires for a failed and for a partially failed backup of a schedule", () => {
    expectAlert(
      "VeleroBackupFailed",
      [
        metric("velero_backup_failure_total", { ...velero, schedule: "daily" }, "0x6 1x12"),
        metric("velero_backup_partial_failure_total", { ...velero, schedule: "weekly" }, "0x6 1x12"),
        metric("velero_backup_failure_total", { ...velero, schedule: "weekly" }, "0x18"),
      ],
      "60m",
      [firing("VeleroBackupFailed", { schedule: "daily" }), firing("VeleroBackupFailed", { schedule: "weekly" })],
    );
  });
  it("stays silent when the counters do not move, and for manual backups", () => {
    expectAlert(
      "VeleroBackupFailed",
      [
        metric("velero_backup_failure_total", { ...velero, schedule: "daily" }, "2x18"),
        metric("velero_backup_failure_total", { ...velero, schedule: "" }, "0x6 1x12"),
      ],
      "60m",
      [],
    );
  });
});

describe("VeleroBackupNotRecent", () => {
  const known = (schedule: string) => metric("velero_backup_attempt_total", { ...velero, schedule }, `0x${steps(30)}`);
  it("fires when the last success is older than 26h, and for a schedule that never succeeded", () => {
    expectAlert(
      "VeleroBackupNotRecent",
      [known("daily"), metric("velero_backup_last_successful_timestamp", { ...velero, schedule: "daily" }, `0x${steps(30)}`), known("weekly")],
      "27h",
      [firing("VeleroBackupNotRecent", { schedule: "daily" }), firing("VeleroBackupNotRecent", { schedule: "weekly" })],
    );
  });
  it("stays silent after a recent success, and for a schedule younger than 26h", () => {
    const recent = 25 * hour;
    expectAlert(
      "VeleroBackupNotRecent",
      [
        known("daily"),
        metric("velero_backup_last_successful_timestamp", { ...velero, schedule: "daily" }, `_x${steps(25)} ${recent}x${steps(5)}`),
        // Created 10 hours before evaluation: not yet due.
        metric("velero_backup_attempt_total", { ...velero, schedule: "weekly" }, `_x${steps(17)} 0x${steps(13)}`),
      ],
      "27h",
      [],
    );
  });
  it("stays silent right after a Velero restart that dropped the timestamp (success seen within 26h)", () => {
    expectAlert(
      "VeleroBackupNotRecent",
      [known("daily"), metric("velero_backup_last_successful_timestamp", { ...velero, schedule: "daily" }, `_x${steps(2)} ${2 * hour}x${steps(20)} _x${steps(8)}`)],
      "27h",
      [],
    );
  });
});

describe("VeleroBackupStorageLocationUnavailable", () => {
  it("fires after 15 minutes unavailable", () => {
    expectAlert(
      "VeleroBackupStorageLocationUnavailable",
      [metric("velero_backup_location_status_gauge", { ...velero, backup_location_name: "default" }, "1x3 0x6")],
      "35m",
      [firing("VeleroBackupStorageLocationUnavailable", { backup_location_name: "default" })],
    );
  });
  it("stays silent while available and for a short blip", () => {
    expectAlert(
      "VeleroBackupStorageLocationUnavailable",
      [
        metric("velero_backup_location_status_gauge", { ...velero, backup_location_name: "default" }, "1x3 0x1 1x4"),
        metric("velero_backup_location_status_gauge", { ...velero, backup_location_name: "other" }, "1x9"),
      ],
      "45m",
      [],
    );
  });
});

describe("EtcdSnapshotFailed", () => {
  const ksm = { job: "kube-state-metrics", namespace: etcdNamespace };
  it("fires for a job that failed recently", () => {
    expectAlert(
      "EtcdSnapshotFailed",
      [
        metric("kube_job_failed", { ...ksm, job_name: "etcd-snapshot-29000000", condition: "true" }, "0x2 1x10"),
        metric("kube_job_status_start_time", { ...ksm, job_name: "etcd-snapshot-29000000" }, `${5 * 60}x12`),
      ],
      "50m",
      [firing("EtcdSnapshotFailed", { namespace: etcdNamespace, job_name: "etcd-snapshot-29000000" })],
    );
  });
  it("stays silent for an old failed job still listed, a succeeded job, and other jobs in the namespace", () => {
    expectAlert(
      "EtcdSnapshotFailed",
      [
        metric("kube_job_failed", { ...ksm, job_name: "etcd-snapshot-1", condition: "true" }, `1x${steps(4)}`),
        metric("kube_job_status_start_time", { ...ksm, job_name: "etcd-snapshot-1" }, `0x${steps(4)}`),
        metric("kube_job_failed", { ...ksm, job_name: "etcd-snapshot-2", condition: "false" }, `1x${steps(4)}`),
        metric("kube_job_failed", { ...ksm, job_name: "something-else", condition: "true" }, `1x${steps(4)}`),
      ],
      "3h",
      [],
    );
  });
});

describe("EtcdSnapshotNotRecent", () => {
  const cronjob = { job: "kube-state-metrics", namespace: etcdNamespace, cronjob: "etcd-snapshot" };
  const info = metric("kube_cronjob_info", { ...cronjob, schedule: "0 */6 * * *" }, `1x${steps(30)}`);
  it("fires when the last success is older than 26h", () => {
    expectAlert(
      "EtcdSnapshotNotRecent",
      [info, metric("kube_cronjob_status_last_successful_time", cronjob, `${hour}x${steps(30)}`)],
      "28h",
      [firing("EtcdSnapshotNotRecent", { namespace: etcdNamespace, cronjob: "etcd-snapshot" })],
    );
  });
  it("fires for a CronJob that never succeeded in 26h, and stays silent after a recent success", () => {
    expectAlert("EtcdSnapshotNotRecent", [info], "27h", [firing("EtcdSnapshotNotRecent", { namespace: etcdNamespace, cronjob: "etcd-snapshot" })]);
    expectAlert("EtcdSnapshotNotRecent", [info, metric("kube_cronjob_status_last_successful_time", cronjob, `${20 * hour}x${steps(30)}`)], "27h", []);
  });
});
