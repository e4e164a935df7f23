/**
 * Finds the age identities to decrypt with, and unwraps the file's data key with them.
 * Discovery follows getsops/sops `age/keysource.go loadIdentities` for the sources an
 * in-process reader can use: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, the caller's key file (stack
 * config), then sops' default keys.txt. All sources are merged, like sops does.
 *
 * Nothing here puts an identity into an error: messages count identities and name where they
 * came from. Errors from age-encryption are not passed on because its bech32 errors quote the key.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as age from "age-encryption";
import { SopsError } from "./errors";
import type { AgeStanza } from "./metadata";

export interface IdentityOptions {
  /** A key file named by the caller (the stack's `secrets.ageKeyFile`); relative to the cwd. */
  ageKeyFile?: string;
  /**
   * How the caller's user names that key file, for the "no identity" message: the CLI says
   * `--age-key-file`, the program its stack config key. Without it the message only names the
   * environment variables.
   */
  ageKeyFileHint?: string;
  /** Where to read SOPS_AGE_KEY*, HOME and XDG_CONFIG_HOME; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Picks sops' per-OS default key path; defaults to process.platform. */
  platform?: NodeJS.Platform;
}

export interface IdentitySource {
  /** Where the identities came from, e.g. `SOPS_AGE_KEY_FILE (/home/me/keys.txt)`. */
  label: string;
  identities: string[];
}

export interface DiscoveredIdentities {
  sources: IdentitySource[];
  /** Every place looked at, including a default path that did not exist. */
  searched: string[];
}

export function discoverIdentities(opts: IdentityOptions, file: string): DiscoveredIdentities {
  const env = opts.env ?? process.env;
  // With an injected env, never fall back to the real home directory.
  const home = env.HOME ?? env.USERPROFILE ?? (opts.env ? undefined : os.homedir());
  const sources: IdentitySource[] = [];
  const searched: string[] = [];

  if (env.SOPS_AGE_KEY) {
    searched.push("SOPS_AGE_KEY");
    sources.push({ label: "SOPS_AGE_KEY", identities: parseIdentities(env.SOPS_AGE_KEY, "SOPS_AGE_KEY", file) });
  }
  const explicit: [string | undefined, string][] = [
    [env.SOPS_AGE_KEY_FILE, "SOPS_AGE_KEY_FILE"],
    [opts.ageKeyFile, "key file"],
  ];
  for (const [p, what] of explicit) {
    if (!p) continue;
    const abs = path.resolve(expandHome(p, home));
    const label = `${what} (${abs})`;
    searched.push(label);
    sources.push({ label, identities: parseIdentities(readKeyFile(abs, label, file), label, file) });
  }
  const fallback = defaultKeyFile(env, home, opts.platform ?? process.platform);
  if (fallback) {
    const label = `default key file (${fallback})`;
    searched.push(label);
    // The default path is only a guess, so its absence is not an error.
    if (fs.existsSync(fallback)) sources.push({ label, identities: parseIdentities(readKeyFile(fallback, label, file), label, file) });
  }
  return { sources, searched };
}

/** sops' default: `<UserConfigDir>/sops/age/keys.txt`, with XDG_CONFIG_HOME winning everywhere. */
export function defaultKeyFile(env: NodeJS.ProcessEnv, home: string | undefined, platform: NodeJS.Platform): string | undefined {
  const tail = path.join("sops", "age", "keys.txt");
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, tail);
  if (platform === "win32") return env.APPDATA ? path.join(env.APPDATA, tail) : undefined;
  if (!home) return undefined;
  if (platform === "darwin") return path.join(home, "Library", "Application Support", tail);
  return path.join(home, ".config", tail);
}

function expandHome(p: string, home: string | undefined): string {
  return home && (p === "~" || p.startsWith("~/")) ? path.join(home, p.slice(1)) : p;
}

function readKeyFile(abs: string, label: string, file: string): string {
  try {
    return fs.readFileSync(abs, "utf8");
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? "read error";
    throw new SopsError("identity-file-unreadable", file, `cannot read the age identities in ${label}: ${why}`);
  }
}

/**
 * One identity per token: lines may hold several, separated by whitespace (SOPS_AGE_KEY since
 * sops 3.13); `#` lines are comments, as in age-keygen output.
 */
export function parseIdentities(text: string, label: string, file: string): string[] {
  const out: string[] = [];
  text.split("\n").forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) return;
    for (const token of line.split(/\s+/)) {
      const bad = (why: string): never => {
        throw new SopsError("invalid-identity", file, `${label}, line ${i + 1}: ${why}`);
      };
      if (token.startsWith("AGE-PLUGIN-")) bad("age plugin identities are not supported");
      if (!token.startsWith("AGE-SECRET-KEY-1") && !token.startsWith("AGE-SECRET-KEY-PQ-1")) {
        bad("not an age identity (expected AGE-SECRET-KEY-1... or AGE-SECRET-KEY-PQ-1...)");
      }
      try {
        new age.Decrypter().addIdentity(token); // validates checksum and length now, not mid-decryption
      } catch {
        bad("malformed age identity (bad checksum or length)");
      }
      out.push(token);
    }
  });
  return out;
}

/** Decrypts an armored age file with any of the identities (the pure age layer). */
export async function decryptAgeArmored(armored: string, identities: string[]): Promise<Uint8Array> {
  const d = new age.Decrypter();
  for (const id of identities) d.addIdentity(id);
  return d.decrypt(age.armor.decode(armored));
}

/** Tries every age stanza of the file with every identity; returns the 32-byte data key. */
export async function unwrapDataKey(stanzas: AgeStanza[], found: DiscoveredIdentities, file: string, ageKeyFileHint?: string): Promise<Uint8Array> {
  const all = found.sources.flatMap((s) => s.identities);
  if (all.length === 0) {
    const remedy = ageKeyFileHint ? `set SOPS_AGE_KEY or SOPS_AGE_KEY_FILE, or ${ageKeyFileHint}` : "set SOPS_AGE_KEY or SOPS_AGE_KEY_FILE";
    throw new SopsError(
      "no-identities",
      file,
      `no age identity to decrypt with: ${remedy} ` +
        `(looked at: ${found.searched.length > 0 ? found.searched.join(", ") : "nothing; no HOME or XDG_CONFIG_HOME set"})`,
    );
  }
  let malformed = 0;
  for (const stanza of stanzas) {
    let key: Uint8Array;
    try {
      key = await decryptAgeArmored(stanza.enc, all);
    } catch (err) {
      if (!String((err as Error).message).includes("no identity matched")) malformed++;
      continue;
    }
    if (key.length !== 32) {
      throw new SopsError("invalid-data-key", file, `the age recipient ${short(stanza.recipient)} wraps a ${key.length}-byte data key, expected 32`);
    }
    return key;
  }
  const counts = found.sources.map((s) => `${s.label}: ${s.identities.length}`).join("; ");
  const note = malformed > 0 ? `; ${malformed} of the file's age entries could not be read (corrupt or not age)` : "";
  throw new SopsError(
    "no-matching-identity",
    file,
    `the ${all.length} age identit${all.length === 1 ? "y" : "ies"} loaded [${counts}] match none of the file's ` +
      `${stanzas.length} age recipient(s) (${stanzas.map((s) => short(s.recipient)).join(", ")})${note}`,
  );
}

// Post-quantum recipients are ~2000 characters; a prefix and suffix identify them well enough.
function short(recipient: string): string {
  return recipient.length > 70 ? `${recipient.slice(0, 16)}...${recipient.slice(-8)}` : recipient;
}
