import { datasourceUids } from "../observability";
import { freshnessHours } from "./alerts";
import { etcdCronJob } from "./names";
import type { GrafanaDashboard, GridPos } from "../building-blocks/grafana-dashboard";

/**
 * The "Backup freshness" Grafana dashboard: the age of the last successful backup per Velero
 * schedule and of the last etcd snapshot, coloured against the 26-hour alert threshold, and the
 * backup storage location's state. Built from typed panels, serialised to JSON for the sidecar.
 */

const metrics = { type: "prometheus", uid: datasourceUids.thanos } as const;

export interface FreshnessTarget {
  readonly refId: string;
  readonly datasource: typeof metrics;
  readonly expr: string;
  readonly legendFormat: string;
  readonly instant: boolean;
}

export interface FreshnessPanel {
  readonly id: number;
  readonly type: "stat" | "timeseries";
  readonly title: string;
  readonly description: string;
  readonly gridPos: GridPos;
  readonly datasource: typeof metrics;
  readonly targets: readonly FreshnessTarget[];
  readonly fieldConfig: { readonly defaults: Record<string, unknown>; readonly overrides: readonly unknown[] };
  readonly options?: Record<string, unknown>;
}

export type BackupDashboard = GrafanaDashboard<FreshnessPanel>;

/** Seconds since the last success: green under a day, orange near the alert, red past it. */
const ageField = {
  defaults: {
    unit: "s",
    thresholds: {
      mode: "absolute",
      steps: [
        { color: "green", value: null },
        { color: "orange", value: 24 * 3600 },
        { color: "red", value: freshnessHours * 3600 },
      ],
    },
  },
  overrides: [],
};

const target = (refId: string, expr: string, legendFormat: string, instant = true): FreshnessTarget => ({ refId, datasource: metrics, expr, legendFormat, instant });

/** `time() - <timestamp series>`, one value per schedule. */
export const veleroAgeQuery = 'time() - max by (schedule) (velero_backup_last_successful_timestamp{schedule!=""})';

export function etcdAgeQuery(namespace: string): string {
  return `time() - max by (cronjob) (kube_cronjob_status_last_successful_time{namespace="${namespace}", cronjob="${etcdCronJob}"})`;
}

export function backupDashboard(inputs: { readonly etcdNamespace?: string }): BackupDashboard {
  const panels: FreshnessPanel[] = [
    {
      id: 1,
      type: "stat",
      title: "Last successful backup, per schedule",
      description: `Time since each Velero schedule last completed a backup; the VeleroBackupNotRecent alert fires past ${freshnessHours}h.`,
      gridPos: { x: 0, y: 0, w: 12, h: 6 },
      datasource: metrics,
      targets: [target("A", veleroAgeQuery, "{{schedule}}")],
      fieldConfig: ageField,
      options: { reduceOptions: { calcs: ["lastNotNull"] }, colorMode: "background" },
    },
    {
      id: 2,
      type: "stat",
      title: "Backup storage location",
      description: "1 = available, 0 = Velero cannot reach the bucket (VeleroBackupStorageLocationUnavailable).",
      gridPos: { x: 12, y: 0, w: 12, h: 6 },
      datasource: metrics,
      targets: [target("A", "max by (backup_location_name) (velero_backup_location_status_gauge)", "{{backup_location_name}}")],
      fieldConfig: {
        defaults: {
          mappings: [{ type: "value", options: { "0": { text: "unavailable", color: "red" }, "1": { text: "available", color: "green" } } }],
          thresholds: { mode: "absolute", steps: [{ color: "red", value: null }, { color: "green", value: 1 }] },
        },
        overrides: [],
      },
      options: { reduceOptions: { calcs: ["lastNotNull"] }, colorMode: "background" },
    },
    {
      id: 3,
      type: "timeseries",
      title: "Backups per schedule and outcome",
      description: "Completed, failed and partially failed backups per hour.",
      gridPos: { x: 0, y: 12, w: 24, h: 8 },
      datasource: metrics,
      targets: [
        target("A", 'sum by (schedule) (increase(velero_backup_success_total{schedule!=""}[1h]))', "{{schedule}} completed", false),
        target("B", 'sum by (schedule) (increase(velero_backup_failure_total{schedule!=""}[1h]))', "{{schedule}} failed", false),
        target("C", 'sum by (schedule) (increase(velero_backup_partial_failure_total{schedule!=""}[1h]))', "{{schedule}} partially failed", false),
      ],
      fieldConfig: { defaults: { unit: "short" }, overrides: [] },
    },
  ];
  if (inputs.etcdNamespace !== undefined) {
    panels.push({
      id: 4,
      type: "stat",
      title: "Last successful etcd snapshot",
      description: `Time since the etcd snapshot CronJob in ${inputs.etcdNamespace} last succeeded; EtcdSnapshotNotRecent fires past ${freshnessHours}h.`,
      gridPos: { x: 0, y: 6, w: 12, h: 6 },
      datasource: metrics,
      targets: [target("A", etcdAgeQuery(inputs.etcdNamespace), "etcd")],
      fieldConfig: ageField,
      options: { reduceOptions: { calcs: ["lastNotNull"] }, colorMode: "background" },
    });
  }
  return {
    uid: "backup-freshness",
    title: "Backup freshness",
    description: "Last successful Velero backup per schedule and last etcd snapshot; restore steps in docs/restore.md.",
    tags: ["backups", "velero", "etcd"],
    schemaVersion: 39,
    editable: false,
    time: { from: "now-7d", to: "now" },
    refresh: "5m",
    panels,
  };
}
