import type { BackupsConfig } from "../../config/schema";
import { workloadRequest, type WorkloadRequest } from "../../lib/capacity";
import { imageRef, images } from "../../versions";
import { etcdBackupRole, etcdCredentials, etcdCronJob, podLabels, talosServiceAccount } from "./names";
import type { BackupTarget } from "./velero-objects";

/**
 * etcd snapshots with siderolabs/talos-backup (v0.1.0-beta.3): a CronJob that asks Talos' API for
 * an etcd snapshot (role os:etcd:backup, granted through the machine config feature
 * kubernetesTalosAPIAccess for this namespace only), encrypts it to an age recipient and uploads
 * `<prefix>/<cluster>-<RFC3339>.snap.age` to the backups bucket.
 */

/** The uid and gid of talos-backup's sample CronJob; the image is FROM scratch with no USER. */
const uid = 1000;

/** The talos.dev ServiceAccount Talos turns into a Secret holding a talosconfig for `os:etcd:backup` only. */
export function talosApiServiceAccount(namespace: string) {
  return {
    apiVersion: "talos.dev/v1alpha1",
    kind: "ServiceAccount",
    metadata: { name: talosServiceAccount, namespace },
    spec: { roles: [etcdBackupRole] },
  } as const;
}

export interface EtcdSnapshotInputs {
  readonly namespace: string;
  readonly timezone: string;
  readonly clusterName: string;
  /** Bucket and endpoint; `prefix` is `backups.etcd.prefix`. */
  readonly target: BackupTarget;
}

/** The env talos-backup reads (pkg/config/service.go at v0.1.0-beta.3). */
export function etcdSnapshotEnv(config: BackupsConfig["etcd"], inputs: EtcdSnapshotInputs) {
  const fromSecret = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: etcdCredentials.name, key } } });
  if (config.ageRecipient === undefined) throw new Error("backups.etcd.ageRecipient is required (validated config)");
  return [
    fromSecret("AWS_ACCESS_KEY_ID", etcdCredentials.accessKey),
    fromSecret("AWS_SECRET_ACCESS_KEY", etcdCredentials.secretKey),
    // Also the signing region for the custom endpoint.
    { name: "AWS_REGION", value: inputs.target.region },
    { name: "CUSTOM_S3_ENDPOINT", value: inputs.target.endpoint },
    { name: "BUCKET", value: inputs.target.bucket },
    { name: "CLUSTER_NAME", value: inputs.clusterName },
    { name: "S3_PREFIX", value: inputs.target.prefix },
    // Inverted at this tag: `UsePathStyle: os.Getenv("USE_PATH_STYLE") == "false"`, and its sample
    // says "set this to false ... such as minio". "false" is what turns path-style requests ON;
    // "true" would build bucket.host URLs, which MinIO without wildcard DNS does not answer.
    { name: "USE_PATH_STYLE", value: "false" },
    { name: "AGE_X25519_PUBLIC_KEY", value: config.ageRecipient },
  ];
}

export function etcdSnapshotCronJob(config: BackupsConfig["etcd"], inputs: EtcdSnapshotInputs) {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: etcdCronJob, namespace: inputs.namespace, labels: { ...podLabels.etcdSnapshot } },
    spec: {
      schedule: config.schedule,
      timeZone: inputs.timezone,
      concurrencyPolicy: "Forbid",
      // A missed run (node down at the time) still runs if the cluster is back within the hour.
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 1800,
          template: {
            metadata: { labels: { ...podLabels.etcdSnapshot } },
            spec: {
              restartPolicy: "Never",
              // It talks to Talos' API with the talosconfig Talos issued, never to Kubernetes'.
              automountServiceAccountToken: false,
              securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "talos-backup",
                  image: imageRef(images.talosBackup),
                  imagePullPolicy: "IfNotPresent",
                  command: ["/talos-backup"],
                  // The snapshot and its encrypted copy are written to the working directory.
                  workingDir: "/tmp",
                  env: etcdSnapshotEnv(config, inputs),
                  resources: { requests: { ...config.resources.requests }, limits: { ...config.resources.limits } },
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  volumeMounts: [
                    { name: "tmp", mountPath: "/tmp" },
                    { name: "talos-secrets", mountPath: "/var/run/secrets/talos.dev", readOnly: true },
                  ],
                },
              ],
              volumes: [
                { name: "tmp", emptyDir: {} },
                // Created by Talos from the talos.dev ServiceAccount of the same name.
                { name: "talos-secrets", secret: { secretName: talosServiceAccount } },
              ],
            },
          },
        },
      },
    },
  };
}

/** One snapshot pod at a time; counted like a Deployment of one while it runs. */
export function etcdWorkloadRequests(config: BackupsConfig["etcd"]): WorkloadRequest[] {
  return [workloadRequest("backups", "etcd-snapshot", 1, config.resources)];
}
