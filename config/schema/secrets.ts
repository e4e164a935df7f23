import { z } from "zod";
import { expected } from "./primitives";

/** Where the stack's secrets live: a SOPS file and, optionally, the age key that opens it. */
export const secretsSourceSchema = z.strictObject({
  /** SOPS-encrypted YAML/JSON file, relative to the project root. */
  file: z.string().min(1),
  /**
   * age identity file, relative to the project root. Consulted after SOPS_AGE_KEY and
   * SOPS_AGE_KEY_FILE and before sops' default key path.
   */
  ageKeyFile: z.string().min(1).optional(),
});

const secretString = z.string().min(1, { error: expected("must not be empty") });

/** Every secret the program needs, as the decrypted SOPS document must spell them. */
export const secretsDocumentSchema = z.strictObject({
  proxmox: z.strictObject({
    /** `user@realm!tokenid=uuid`. */
    apiToken: secretString.regex(/^[^@\s]+@[^!\s]+![^=\s]+=\S+$/, {
      error: expected("must look like user@realm!tokenid=secret"),
    }),
  }),
  s3: z.strictObject({ accessKey: secretString, secretKey: secretString }),
  alertmanager: z.strictObject({
    discordWebhookUrl: secretString.regex(/^https:\/\/(discord\.com|discordapp\.com)\/api\/webhooks\//, {
      error: expected("must be a Discord webhook URL (https://discord.com/api/webhooks/...)"),
    }),
  }),
  grafana: z.strictObject({ adminUser: secretString, adminPassword: secretString }),
  runners: z.strictObject({ registrationToken: secretString }),
  /**
   * Velero's and the etcd snapshot job's own MinIO user, scoped to the backups bucket: not the
   * program's admin keys (s3), so a leaked backup credential cannot touch the other buckets.
   * Required when home-platform:backups.enabled.
   */
  backups: z.strictObject({ accessKey: secretString, secretKey: secretString }).optional(),
});

export type SecretsSource = z.infer<typeof secretsSourceSchema>;
export type SecretsDocument = z.infer<typeof secretsDocumentSchema>;
