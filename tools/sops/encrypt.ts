/**
 * `npm run --silent sops -- encrypt <plain.yaml> <out.sops.yaml> [--config <.sops.yaml>]` (tools/sops/cli.ts dispatches here).
 *
 * Encrypts a plaintext YAML file to the age recipients of the first `.sops.yaml` creation rule
 * whose path_regex matches the output path, like `sops -e`. Stands in for the sops binary,
 * which is not installable here; with sops available, prefer `sops -e` / `sops updatekeys`.
 * Keep the plaintext outside the repository and delete it afterwards.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { type EncryptRules, encryptYaml } from "../../lib/sops/encrypt";

export const ENCRYPT_USAGE = "usage: sops encrypt <plain.yaml> <out.sops.yaml> [--config <.sops.yaml>]";

export interface CreationRule {
  recipients: string[];
  rules: EncryptRules;
  indent?: number;
}

/** Nearest `.sops.yaml` from the output's folder upwards, as sops searches from the working directory. */
export function findConfig(startDir: string): string | undefined {
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, ".sops.yaml");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The first matching creation rule; path_regex is tested against the path relative to the config. */
export function ruleFor(configText: string, configDir: string, outFile: string): CreationRule {
  const config = (parse(configText) ?? {}) as Record<string, unknown>;
  const rules = Array.isArray(config.creation_rules) ? (config.creation_rules as Record<string, unknown>[]) : [];
  const rel = path.relative(configDir, path.resolve(outFile)).split(path.sep).join("/");
  const rule = rules.find((r) => typeof r.path_regex !== "string" || new RegExp(r.path_regex).test(rel));
  if (!rule) throw new Error(`no creation rule in .sops.yaml matches ${rel}`);

  let ageField: unknown = rule.age;
  const groups = rule.key_groups;
  if (Array.isArray(groups)) {
    if (groups.length !== 1) throw new Error("Shamir key groups (more than one key group) are not supported");
    ageField = (groups[0] as Record<string, unknown>).age;
  }
  for (const other of ["pgp", "kms", "gcp_kms", "azure_keyvault", "hc_vault_transit_uri"]) {
    if (rule[other] || (Array.isArray(groups) && (groups[0] as Record<string, unknown>)[other])) {
      throw new Error(`the matching creation rule uses ${other}; this tool only encrypts to age recipients`);
    }
  }
  const recipients = (Array.isArray(ageField) ? ageField.map(String) : String(ageField ?? "").split(","))
    .map((r) => r.trim())
    .filter((r) => r !== "");
  if (recipients.length === 0) throw new Error(`the creation rule for ${rel} has no age recipients`);

  const str = (k: string): string | undefined => (typeof rule[k] === "string" ? (rule[k] as string) : undefined);
  const stores = config.stores as { yaml?: { indent?: number } } | undefined;
  return {
    recipients,
    rules: {
      unencryptedSuffix: str("unencrypted_suffix"),
      encryptedSuffix: str("encrypted_suffix"),
      unencryptedRegex: str("unencrypted_regex"),
      encryptedRegex: str("encrypted_regex"),
      macOnlyEncrypted: rule.mac_only_encrypted === true,
    },
    indent: stores?.yaml?.indent,
  };
}

/** The arguments after `encrypt`. Progress and errors go to `err`, one line each. */
export async function encrypt(argv: string[], err: NodeJS.WritableStream): Promise<number> {
  const positional: string[] = [];
  let configPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--config") configPath = argv[++i];
    else positional.push(argv[i]!);
  }
  const [input, output] = positional;
  if (!input || !output || positional.length !== 2 || (argv.includes("--config") && !configPath)) {
    err.write(`sops: ${ENCRYPT_USAGE}\n`);
    return 2;
  }
  try {
    if (!/\.ya?ml$/i.test(input) || !/\.ya?ml$/i.test(output)) throw new Error("only YAML files are supported");
    if (path.resolve(input) === path.resolve(output)) throw new Error("refusing to overwrite the plaintext in place");
    const config = configPath ?? findConfig(path.dirname(path.resolve(output)));
    if (!config) throw new Error("no .sops.yaml found above the output file (or pass --config)");
    const rule = ruleFor(fs.readFileSync(config, "utf8"), path.dirname(path.resolve(config)), output);
    const text = await encryptYaml(fs.readFileSync(input, "utf8"), {
      recipients: rule.recipients,
      rules: rule.rules,
      indent: rule.indent,
      fileName: input,
    });
    fs.writeFileSync(output, text, { mode: 0o644 });
    err.write(`sops: wrote ${output} for ${rule.recipients.length} age recipient(s)\n`);
    return 0;
  } catch (e) {
    err.write(`sops: ${(e as Error).message}\n`);
    return 1;
  }
}
