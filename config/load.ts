import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { decryptFile, SopsError, type SopsErrorCode } from "../lib/sops";
import { ConfigError } from "./errors";
import { formatIssues } from "./format";
import { parseStackConfig } from "./parse";
import type { PlatformConfig, SecretsDocument, SecretsSource } from "./schema";
import { secretsDocumentSchema } from "./schema/secrets";

/** The decrypted secrets document with every leaf a secret Output, so no value can leak into plain state. */
export type PlatformSecrets = {
  readonly [Section in keyof SecretsDocument]: { readonly [Key in keyof NonNullable<SecretsDocument[Section]>]: pulumi.Output<string> };
};

export interface Platform {
  readonly config: PlatformConfig;
  readonly secrets: PlatformSecrets;
}

/** Where relative paths in stack config (the SOPS file, the age key file) are resolved from. */
const projectRoot = path.resolve(__dirname, "..");

/** Failures that come from the identities (key file, env keys), not from the SOPS file itself. */
const identityProblems = new Set<SopsErrorCode>(["no-identities", "identity-file-unreadable", "invalid-identity", "no-matching-identity"]);

/**
 * The program's only reader of stack configuration: every `<project>:*` key is parsed and
 * validated together, then the SOPS file is decrypted. Throws ConfigError listing every problem
 * before any resource exists.
 */
export async function loadPlatform(): Promise<Platform> {
  const project = pulumi.getProject();
  const config = parseStackConfig(project, pulumi.runtime.allConfig());
  const secrets = await loadSecrets(project, config.secrets);
  const missing = missingSecrets(project, config, secrets);
  if (missing.length > 0) throw new ConfigError(missing);
  return { config, secrets };
}

/** Sections of the SOPS file that are optional in general but required by what the config turns on. */
export function missingSecrets(project: string, config: Pick<PlatformConfig, "backups" | "secrets">, secrets: Pick<PlatformSecrets, "backups">): string[] {
  if (!config.backups.enabled || secrets.backups !== undefined) return [];
  return [
    `config error: ${project}:secrets.file: ${config.secrets.file}: backups.accessKey and backups.secretKey are required when ${project}:backups.enabled (the backup workloads' own MinIO user)`,
  ];
}

export interface LoadSecretsOptions {
  /** Resolves relative paths; defaults to the project root. */
  readonly root?: string;
  /** SOPS_AGE_KEY* and HOME for identity discovery; defaults to process.env (tests inject one). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Decrypts and validates the stack's SOPS file. Each problem is one `config error:` line naming
 * the config key to change (`secrets.ageKeyFile` for identity problems, `secrets.file` for the
 * file) or the key inside the document; never a value.
 */
export async function loadSecrets(project: string, source: SecretsSource, options: LoadSecretsOptions = {}): Promise<PlatformSecrets> {
  const root = options.root ?? projectRoot;
  const file = path.resolve(root, source.file);
  const ageKeyFile = source.ageKeyFile === undefined ? undefined : path.resolve(root, source.ageKeyFile);
  let document: unknown;
  try {
    document = await decryptFile(file, { ageKeyFile, env: options.env, ageKeyFileHint: `set ${project}:secrets.ageKeyFile in the stack file` });
  } catch (err) {
    if (!(err instanceof SopsError)) throw err;
    const key = identityProblems.has(err.code) ? "secrets.ageKeyFile" : "secrets.file";
    throw new ConfigError([`config error: ${project}:${key}: ${err.message}`]);
  }
  const parsed = secretsDocumentSchema.safeParse(document);
  if (!parsed.success) {
    // Issues carry the path and our own message only; `input` is never formatted, so no secret is echoed.
    throw new ConfigError(formatIssues(parsed.error.issues, `${source.file}: `));
  }
  return wrapSecrets(parsed.data);
}

function wrapSecrets(document: SecretsDocument): PlatformSecrets {
  const wrapped: Record<string, Record<string, pulumi.Output<string>>> = {};
  for (const [section, values] of Object.entries(document)) {
    wrapped[section] = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, pulumi.secret(value)]));
  }
  return wrapped as PlatformSecrets;
}
