import type { BackupScheduleConfig } from "../../config/schema";
import { storageLocationName, veleroCredentials } from "./names";

/**
 * Velero's own objects (velero.io/v1, CRDs from the chart's crds/ at Velero v1.18.1) as plain
 * data: the stack creates them, the tests check them against the pinned CRDs.
 */

export interface BackupTarget {
  /** S3 endpoint URL from `s3.endpoint` (MinIO). */
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  /** `backups.prefix`: Velero keeps backups/, kopia/ and restores/ under it. */
  readonly prefix: string;
}

export interface VeleroObject {
  readonly apiVersion: "velero.io/v1";
  readonly kind: "BackupStorageLocation" | "Schedule";
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: Record<string, unknown>;
}

/**
 * The BackupStorageLocation on MinIO. `s3ForcePathStyle` is required: without it uploads work but
 * downloads from MinIO fail (velero MinIO docs, velero#7268), and the plugin needs a region then.
 */
export function backupStorageLocation(namespace: string, target: BackupTarget): VeleroObject {
  return {
    apiVersion: "velero.io/v1",
    kind: "BackupStorageLocation",
    metadata: { name: storageLocationName, namespace },
    spec: {
      provider: "aws",
      default: true,
      accessMode: "ReadWrite",
      objectStorage: { bucket: target.bucket, prefix: target.prefix },
      // The plugin reads this file through the Secret the chart mounts (AWS_SHARED_CREDENTIALS_FILE);
      // naming it here too makes the location self-describing and lets the node agent find it.
      credential: { name: veleroCredentials.name, key: veleroCredentials.key },
      config: { region: target.region, s3ForcePathStyle: "true", s3Url: target.endpoint },
      // The BackupStorageLocationUnavailable alert reads the result of this check.
      validationFrequency: "1m",
    },
  };
}

/** Velero's TTL is a Go duration: days and weeks written as hours. */
export function ttlOf(retention: string): string {
  const match = /^(\d+)(h|d|w)$/.exec(retention);
  if (!match) throw new Error(`retention "${retention}" is not validated config`);
  const hours = Number(match[1]) * { h: 1, d: 24, w: 168 }[match[2] as "h" | "d" | "w"];
  return `${hours}h0m0s`;
}

/**
 * `CRON_TZ=<zone> <cron>`: Velero parses schedules with robfig/cron v3's ParseStandard (v1.18.1
 * pkg/controller/schedule_controller.go), which reads the prefix, so 02:00 means 02:00 local time
 * also across daylight-saving changes.
 */
export function veleroCron(schedule: string, timezone: string): string {
  return `CRON_TZ=${timezone} ${schedule}`;
}

export interface ScheduleInputs {
  readonly namespace: string;
  readonly timezone: string;
  /** Namespaces backed up when the schedule lists none: every stateful platform namespace. */
  readonly defaultNamespaces: readonly string[];
}

export function veleroSchedule(schedule: BackupScheduleConfig, inputs: ScheduleInputs): VeleroObject {
  return {
    apiVersion: "velero.io/v1",
    kind: "Schedule",
    metadata: { name: schedule.name, namespace: inputs.namespace },
    spec: {
      schedule: veleroCron(schedule.schedule, inputs.timezone),
      // Backups must outlive a deleted Schedule: they are the point of it.
      useOwnerReferencesInBackup: false,
      template: {
        includedNamespaces: [...(schedule.namespaces ?? inputs.defaultNamespaces)],
        storageLocation: storageLocationName,
        ttl: ttlOf(schedule.retention),
        // Local volumes cannot snapshot: the node agent copies each pod volume's files (kopia).
        defaultVolumesToFsBackup: true,
        snapshotVolumes: false,
      },
    },
  };
}
