import { z } from "zod";
import { crossFieldChecks } from "../checks";
import { clusterSchema } from "./cluster";
import { observabilitySchema } from "./observability";
import { timezone } from "./primitives";
import { proxmoxSchema } from "./proxmox";
import { runnersSchema } from "./runners";
import { secretsSourceSchema } from "./secrets";
import { securitySchema } from "./security";
import { s3Schema } from "./storage";

const crossCheckedSections = new Set(["proxmox", "cluster", "observability"]);

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
    s3: s3Schema,
    observability: observabilitySchema,
    security: securitySchema.prefault({}),
    runners: runnersSchema,
  })
  .check(
    z.superRefine(crossFieldChecks, {
      // Cross-field rules need the sections they compare to be well-formed; problems elsewhere
      // (a typo under runners, say) must not hide them, so every problem is reported at once.
      when: (payload) => payload.issues.every((issue) => !crossCheckedSections.has(String(issue.path?.[0]))),
    }),
  );

export type PlatformConfig = z.infer<typeof platformConfigSchema>;
export type { ClusterConfig, ClusterNodeConfig } from "./cluster";
export type { ObservabilityConfig } from "./observability";
export type { ProxmoxConfig, ProxmoxHostConfig } from "./proxmox";
export type { RunnersConfig } from "./runners";
export type { SecretsDocument, SecretsSource } from "./secrets";
export type { SecurityConfig } from "./security";
export type { S3Config } from "./storage";
