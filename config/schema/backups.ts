import { z } from "zod";
import { cidrv4, dnsLabel, expected, resourcesWithDefault } from "./primitives";

/**
 * `home-platform:backups`: Velero file-system backups of the stateful namespaces and Talos etcd
 * snapshots, both to the `s3.buckets.backups` bucket under their own prefixes.
 */

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week), read in the stack's
 * `timezone`. The program adds the zone itself (Velero: `CRON_TZ=`, CronJob: `timeZone`), so a
 * `CRON_TZ=`/`TZ=` prefix here is an error rather than a second, conflicting zone.
 */
export const cronSchedule = z
  .string()
  .regex(/^[0-9*/,-]+(\s+[0-9A-Za-z*/,-]+){4}$/, {
    error: expected('must be a five-field cron expression like "0 2 * * *" (read in home-platform:timezone; no CRON_TZ= prefix)'),
  });

/** How long a backup is kept: whole hours, days or weeks ("7d"). Velero's TTL is a Go duration, so days become hours. */
export const retention = z.string().regex(/^[1-9]\d*(h|d|w)$/, { error: expected("must be a retention like 7d, 36h or 2w") });

/** A key prefix inside the bucket: path segments without leading or trailing slashes. */
export const s3Prefix = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/, { error: expected("must be a key prefix like velero or backups/etcd (no leading or trailing '/')") });

/** An age X25519 recipient (public key), as `age-keygen` prints it. */
export const ageRecipient = z
  .string()
  .regex(/^age1[02-9ac-hj-np-z]{58}$/, { error: expected("must be an age X25519 recipient (age1... as age-keygen -y prints it)") });

const scheduleSchema = z.strictObject({
  /** Velero Schedule name; backups are named `<name>-<timestamp>`. */
  name: dnsLabel,
  /** When, in home-platform:timezone. Defaults to 02:00 daily. */
  schedule: cronSchedule.default("0 2 * * *"),
  /** How long each backup is kept. Defaults to 7d. */
  retention: retention.default("7d"),
  /**
   * Namespaces backed up (every pod volume, file-system backup). Defaults to every namespace of
   * the platform that holds state: observability.namespace (Prometheus, Alertmanager) and
   * observability.logsNamespace (VictoriaLogs).
   */
  namespaces: z.array(dnsLabel).min(1).optional(),
});

export const backupsSchema = z
  .strictObject({
    /** Deploy Velero and the etcd snapshots. Defaults to true. */
    enabled: z.boolean().default(true),
    /** Velero's namespace, labelled privileged (the node agent reads pod volumes on the host). Defaults to "velero". */
    namespace: dnsLabel.default("velero"),
    /** Prefix of Velero's data in the backups bucket. Defaults to "velero". */
    prefix: s3Prefix.default("velero"),
    /**
     * Addresses of the S3 endpoint (MinIO). The backup pods may reach only these, on the endpoint's
     * port. Defaults to none, meaning any address outside the cluster on that port (NetworkPolicies
     * cannot match a hostname, so list MinIO's address here to narrow it).
     */
    s3Cidrs: z.array(cidrv4).default([]),
    schedules: z
      .array(scheduleSchema)
      .min(1)
      .default([{ name: "daily", schedule: "0 2 * * *", retention: "7d" }]),
    velero: z
      .strictObject({
        resources: resourcesWithDefault("100m", "128Mi", "512Mi"),
        /** The node agent DaemonSet (kopia uploads run here, so memory follows the largest volume's file count). */
        nodeAgentResources: resourcesWithDefault("100m", "256Mi", "1Gi"),
      })
      .prefault({}),
    etcd: z
      .strictObject({
        /** Take etcd snapshots with talos-backup. Defaults to true. */
        enabled: z.boolean().default(true),
        /**
         * Namespace of the snapshot CronJob: the only namespace the Talos machine config lets hold
         * the os:etcd:backup role. Runs under restricted pod security. Defaults to "etcd-backup".
         */
        namespace: dnsLabel.default("etcd-backup"),
        /** When, in home-platform:timezone. Defaults to every 6 hours. */
        schedule: cronSchedule.default("0 */6 * * *"),
        /** Prefix of the snapshots in the backups bucket. Defaults to "etcd". */
        prefix: s3Prefix.default("etcd"),
        /** age recipient the snapshots are encrypted to. Keep its identity outside the cluster (restore needs it). */
        ageRecipient: ageRecipient.optional(),
        resources: resourcesWithDefault("50m", "64Mi", "256Mi"),
      })
      .prefault({}),
  })
  .superRefine((backups, ctx) => {
    const names = new Map<string, number>();
    backups.schedules.forEach((schedule, index) => {
      const earlier = names.get(schedule.name);
      if (earlier === undefined) names.set(schedule.name, index);
      else ctx.addIssue({ code: "custom", path: ["schedules", index, "name"], message: `duplicates schedules[${earlier}].name (${schedule.name})` });
    });
    if (!backups.enabled) return;
    const { etcd } = backups;
    if (etcd.enabled && etcd.ageRecipient === undefined) {
      ctx.addIssue({ code: "custom", path: ["etcd", "ageRecipient"], message: "is required when etcd.enabled (snapshots are never stored unencrypted)" });
    }
    // Velero owns everything under its prefix (backups/, kopia/, restores/): etcd files there would
    // be read as foreign objects, and a bucket lifecycle rule for one would hit the other.
    if (etcd.enabled && nested(etcd.prefix, backups.prefix)) {
      ctx.addIssue({ code: "custom", path: ["etcd", "prefix"], message: `"${etcd.prefix}" overlaps backups.prefix "${backups.prefix}"; give each its own prefix` });
    }
    if (etcd.enabled && etcd.namespace === backups.namespace) {
      ctx.addIssue({
        code: "custom",
        path: ["etcd", "namespace"],
        message: `"${etcd.namespace}" is already backups.namespace; Velero's is privileged, the snapshot job's restricted and the only one Talos lets hold os:etcd:backup`,
      });
    }
  });

/** True when one prefix is the other or lies under it. */
function nested(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

export type BackupsConfig = z.infer<typeof backupsSchema>;
export type BackupScheduleConfig = z.infer<typeof scheduleSchema>;
