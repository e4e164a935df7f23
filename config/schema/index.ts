import { z } from "zod";
import { backupsSchema } from "./backups";
import { crossFieldChecks, issuePaths, touches, type CheckedConfig, type CrossFieldCheck } from "../checks";
import { clusterSchema } from "./cluster";
import { foundationsSchema } from "./foundations";
import { observabilitySchema } from "./observability";
import { timezone } from "./primitives";
import { proxmoxSchema } from "./proxmox";
import { runnersSchema } from "./runners";
import { secretsSourceSchema } from "./secrets";
import { securitySchema } from "./security";
import { s3Schema } from "./storage";

/**
 * Everything the program reads from stack config, keyed by the config key without the
 * `home-platform:` prefix. Unknown keys anywhere are errors: a typo must not silently fall back
 * to a default.
 */
export const platformConfigSchema = z
  .strictObject({
    secrets: secretsSourceSchema,
    /** IANA zone for RFC3164 syslog timestamps and dashboards. Defaults to UTC. */
    timezone: timezone.default("UTC"),
    proxmox: proxmoxSchema,
    cluster: clusterSchema,
    /** CNI, LoadBalancer addresses, Gateway and default StorageClass (stacks/foundations). */
    foundations: foundationsSchema.prefault({}),
    s3: s3Schema,
    observability: observabilitySchema,
    security: securitySchema.prefault({}),
    runners: runnersSchema,
    /** Absent means no backups; `backups: {}` turns them on with the defaults (etcd needs an ageRecipient). */
    backups: backupsSchema.prefault({ enabled: false }),
  })
  .check(...crossFieldChecks.map(asZodCheck));

/**
 * Each cross-field rule is its own check, gated only on what it reads: problems elsewhere must not
 * hide it (every problem is reported at once), while a rule never runs on a value it would misread.
 */
function asZodCheck(check: CrossFieldCheck) {
  return z.superRefine<CheckedConfig>(
    (config, ctx) => check.run(config, (path, message) => ctx.addIssue({ code: "custom", path, message })),
    {
      when: (payload) =>
        payload.issues.every((issue) => issuePaths(issue as Parameters<typeof issuePaths>[0]).every((path) => check.reads.every((read) => !touches(path, read)))),
    },
  );
}

export type PlatformConfig = z.infer<typeof platformConfigSchema>;
export type { BackupsConfig, BackupScheduleConfig } from "./backups";
export type { ClusterConfig, ClusterNodeConfig } from "./cluster";
export type { FoundationsConfig, GatewayConfig } from "./foundations";
export type { ObservabilityConfig } from "./observability";
export type { ProxmoxConfig, ProxmoxHostConfig } from "./proxmox";
export type { RunnersConfig } from "./runners";
export type { SecretsDocument, SecretsSource } from "./secrets";
export type { SecurityConfig } from "./security";
export type { S3Config } from "./storage";
