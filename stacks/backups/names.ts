/**
 * Names, labels and ports of the backup workloads, read by the values, the objects, the
 * NetworkPolicies, the alerts and the dashboard, so none of them can point at a renamed thing.
 */

/** Helm release name; the chart names its Deployment, Service and ServiceAccount after it. */
export const veleroRelease = "velero";

/** Pod labels the velero chart 12.1.0 sets (templates/deployment.yaml, node-agent-daemonset.yaml). */
export const podLabels = {
  server: { name: "velero" },
  nodeAgent: { name: "node-agent" },
  /** The etcd snapshot CronJob's pods. */
  etcdSnapshot: { "app.kubernetes.io/name": "talos-backup" },
} as const;

/** Velero's metrics port, on the server and the node agent (chart `metrics`, container port 8085). */
export const metricsPort = 8085;

/** Talos' API port: the `talos` Service in `default` forwards to apid on the control-plane nodes. */
export const talosApiPort = 50000;

/** The BackupStorageLocation every schedule writes to; Velero's server default (`--default-backup-storage-location`). */
export const storageLocationName = "default";

/** Secret with the INI credentials file the AWS plugin reads (key `cloud`, chart `credentials.existingSecret`). */
export const veleroCredentials = { name: "velero-minio", key: "cloud" } as const;

/** Secret with the etcd snapshot job's S3 keys, as environment variables. */
export const etcdCredentials = { name: "talos-backup-s3", accessKey: "AWS_ACCESS_KEY_ID", secretKey: "AWS_SECRET_ACCESS_KEY" } as const;

/**
 * The talos.dev ServiceAccount; Talos creates a Secret of the same name holding a talosconfig
 * limited to its roles. We must never create that Secret ourselves (Talos refuses one it does not
 * control).
 */
export const talosServiceAccount = "talos-backup";

/** The etcd snapshot CronJob. */
export const etcdCronJob = "etcd-snapshot";

/** The Talos role that allows `etcd snapshot` and nothing else. */
export const etcdBackupRole = "os:etcd:backup";

export const prometheusRuleName = "backup-alerts";
export const dashboardConfigMap = "backup-freshness-dashboard";
