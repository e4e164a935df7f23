import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { decryptFile, SopsError } from "../lib/sops";
import { ConfigError } from "./errors";
import { formatIssues } from "./format";
import { parseStackConfig } from "./parse";
import type { PlatformConfig, SecretsDocument, SecretsSource } from "./schema";
import { secretsDocumentSchema } from "./schema/secrets";

/** The decrypted secrets document with every leaf a secret Output, so no value can leak into plain state. */
export type PlatformSecrets = {
  readonly [Section in keyof SecretsDocument]: { readonly [Key in keyof SecretsDocument[Section]]: pulumi.Output<string> };
};

export interface Platform {
  readonly config: PlatformConfig;
  readonly secrets: PlatformSecrets;
}

/** Where relative paths in stack config (the SOPS file, the age key file) are resolved from. */
const projectRoot = path.resolve(__dirname, "..");

/**
 * The program's only reader of stack configuration: every `<project>:*` key is parsed and
 * validated together, then the SOPS file is decrypted. Throws ConfigError listing every problem
 * before any resource exists.
 */
export async function loadPlatform(): Promise<Platform> {
  const config = parseStackConfig(pulumi.getProject(), pulumi.runtime.allConfig());
  const secrets = await loadSecrets(config.secrets);
  return { config, secrets };
}

async function loadSecrets(source: SecretsSource): Promise<PlatformSecrets> {
  const file = path.resolve(projectRoot, source.file);
  const ageKeyFile = source.ageKeyFile === undefined ? undefined : path.resolve(projectRoot, source.ageKeyFile);
  let document: unknown;
  try {
    document = await decryptFile(file, { ageKeyFile });
  } catch (err) {
    if (err instanceof SopsError) throw new ConfigError([`config error: home-platform:secrets.file: ${err.message}`]);
    throw err;
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
