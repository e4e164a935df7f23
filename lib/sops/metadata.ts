/**
 * Validates the `sops` metadata block and turns it into what decryption needs. Mirrors
 * getsops/sops `stores/stores.go` (`Metadata.ToInternal`) for the parts an age-only reader uses.
 */
import { SopsError } from "./errors";
import { goTimeCanonical } from "./format";
import type { StoreSemantics } from "./stores";
import type { CryptRules } from "./tree";

export interface AgeStanza {
  recipient: string;
  /** The armored age file wrapping the 32-byte data key. */
  enc: string;
}

export interface SopsMetadata {
  /** `lastmodified` re-formatted as Go's time.RFC3339: the AAD of the stored MAC. */
  lastModifiedAad: string;
  mac: string;
  version: string | undefined;
  rules: CryptRules;
  /** May be empty: `requireAge` turns that into the no-age-recipient error. */
  age: AgeStanza[];
  /** The non-empty key lists (age, pgp, kms, ...), for error messages. */
  keyTypes: string[];
  semantics: StoreSemantics;
}

// Key lists sops writes besides age; only used to say what a file without age recipients has.
const KEY_LISTS = ["age", "pgp", "kms", "gcp_kms", "azure_kv", "hc_vault", "hckms"];
const RULE_FIELDS = [
  "unencrypted_suffix",
  "encrypted_suffix",
  "unencrypted_regex",
  "encrypted_regex",
  "unencrypted_comment_regex",
  "encrypted_comment_regex",
] as const;

export function parseMetadata(raw: Record<string, unknown> | undefined, file: string): SopsMetadata {
  if (!raw) {
    throw new SopsError("no-metadata", file, "sops metadata not found: this is not a sops-encrypted file (no top-level 'sops' entry)");
  }
  const invalid = (detail: string): never => {
    throw new SopsError("invalid-metadata", file, `invalid sops metadata: ${detail}`);
  };

  // Key groups first: with several groups the data key is split, and no single key can help.
  const groups = Array.isArray(raw.key_groups) ? raw.key_groups : [];
  const threshold = Number(raw.shamir_threshold ?? 0);
  if (groups.length > 1 || threshold > 1) {
    throw new SopsError(
      "shamir-unsupported",
      file,
      `Shamir key groups are not supported (${groups.length} key groups, threshold ${threshold || groups.length}); ` +
        "re-encrypt the file with a single key group",
    );
  }
  const keySource: Record<string, unknown> = groups.length === 1 && isRecord(groups[0]) ? groups[0] : raw;

  const set = RULE_FIELDS.filter((f) => typeof raw[f] === "string" && raw[f] !== "");
  if (set.length > 1) invalid(`only one of ${RULE_FIELDS.join(", ")} may be set; found ${set.join(", ")}`);
  const comment = set.find((f) => f.endsWith("comment_regex"));
  if (comment) {
    throw new SopsError("unsupported", file, `${comment} is not supported by this decryptor; use encrypted_regex or a suffix rule`);
  }
  const str = (f: string): string | undefined => (typeof raw[f] === "string" && raw[f] !== "" ? (raw[f] as string) : undefined);
  const rules: CryptRules = {
    // No rule at all means sops' default suffix (stores.go ToInternal).
    unencryptedSuffix: set.length === 0 ? "_unencrypted" : str("unencrypted_suffix"),
    encryptedSuffix: str("encrypted_suffix"),
    unencryptedRegex: regex(str("unencrypted_regex"), "unencrypted_regex", invalid),
    encryptedRegex: regex(str("encrypted_regex"), "encrypted_regex", invalid),
    macOnlyEncrypted: raw.mac_only_encrypted === true || raw.mac_only_encrypted === "true",
  };

  const lastModified = typeof raw.lastmodified === "string" ? goTimeCanonical(raw.lastmodified, false) : undefined;
  if (!lastModified) invalid("lastmodified is missing or not an RFC 3339 time");

  const mac = raw.mac;
  if (typeof mac !== "string" || mac === "") {
    throw new SopsError("no-mac", file, "the file has no MAC (sops.mac is missing), so its integrity cannot be verified");
  }

  const age = (Array.isArray(keySource.age) ? keySource.age : []).flatMap((e): AgeStanza[] =>
    isRecord(e) && typeof e.enc === "string" ? [{ recipient: String(e.recipient ?? "?"), enc: e.enc }] : [],
  );
  const keyTypes = KEY_LISTS.filter((k) => Array.isArray(keySource[k]) && (keySource[k] as unknown[]).length > 0);
  const version = typeof raw.version === "string" ? raw.version : undefined;
  return {
    lastModifiedAad: lastModified!,
    mac,
    version,
    rules,
    age,
    keyTypes,
    semantics: { yamlTimestamps: versionAtLeast(version, [3, 10, 0]), jsonInts: versionAtLeast(version, [3, 13, 2]) },
  };
}

/** The age entries, or the error naming the key types the file has instead. */
export function requireAge(meta: SopsMetadata, file: string): AgeStanza[] {
  if (meta.age.length > 0) return meta.age;
  const what = meta.keyTypes.length > 0 ? `only ${meta.keyTypes.join(", ")} recipients` : "no recipients at all";
  throw new SopsError("no-age-recipient", file, `no age recipient in the file (it has ${what}); this decryptor only supports age`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Go RE2 patterns as JS RegExps. RE2's leading `(?i)`-style flag groups have no JS syntax, so
 * they become RegExp flags; anything else JS cannot compile is reported, not guessed at.
 */
export function regex(pattern: string | undefined, field: string, invalid: (d: string) => never): RegExp | undefined {
  if (pattern === undefined) return undefined;
  const m = /^\(\?([ims]+)\)/.exec(pattern);
  const flags = m ? [...new Set(m[1]!)].join("") : "";
  try {
    return new RegExp(m ? pattern.slice(m[0].length) : pattern, flags);
  } catch {
    return invalid(`${field} is not a regular expression this decryptor understands`);
  }
}

/** Unknown or unparsable versions count as new: only old files need the old behaviour. */
export function versionAtLeast(version: string | undefined, min: [number, number, number]): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version ?? "");
  if (!m) return true;
  const v = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i]! > min[i]!;
  return true;
}
