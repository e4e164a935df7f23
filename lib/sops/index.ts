/**
 * In-process SOPS decryption for age-encrypted YAML, JSON, dotenv and binary-store files, with
 * MAC verification. No sops binary and no Pulumi here: the config loader wraps the values it
 * takes from the result in `pulumi.secret`.
 *
 * Order of checks: parse, metadata (rules, lastmodified, MAC present), age recipients,
 * identities, data key, every value, then the MAC. Each failure is a SopsError with a `code`.
 */
import fs from "node:fs";
import { SopsError } from "./errors";
import { type DiscoveredIdentities, type IdentityOptions, discoverIdentities, unwrapDataKey } from "./keys";
import { type SopsMetadata, parseMetadata, requireAge } from "./metadata";
import { type LoadedFile, type SopsFormat, formatFromPath, loadFile } from "./stores";
import { type WalkedComment, decryptBranches, nodeToJs, verifyMac } from "./tree";

export { SopsError, isSopsError, type SopsErrorCode } from "./errors";
export type { SopsFormat } from "./stores";

export interface DecryptOptions extends IdentityOptions {
  /** Overrides the store picked from the extension (.yaml/.yml, .json, .env; anything else is binary). */
  format?: SopsFormat;
}

export interface DecryptTextOptions extends IdentityOptions {
  /** Names the input in error messages. */
  fileName?: string;
}

/**
 * Decrypts a SOPS file and returns its document: maps as objects (file order, except that JS
 * puts integer-like keys first), lists as arrays, typed scalars (ints beyond 2^53 as bigint,
 * `time` as RFC 3339 text, `bytes` as Uint8Array), without the `sops` key. A YAML file with
 * several documents gives an array of them.
 */
export async function decryptFile(file: string, opts: DecryptOptions = {}): Promise<unknown> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, "utf8");
  } catch (err) {
    throw new SopsError("file-unreadable", file, `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? "read error"}`);
  }
  return decryptText(text, opts.format ?? formatFromPath(file), { ...opts, fileName: file });
}

/** Like decryptFile, for text already in memory. */
export async function decryptText(text: string, format: SopsFormat, opts: DecryptTextOptions = {}): Promise<unknown> {
  const file = opts.fileName ?? `<${format} input>`;
  const loaded = loadFile(text, format, file);
  const meta = parseMetadata(loaded.metadata, file);
  const stanzas = requireAge(meta, file);
  const found: DiscoveredIdentities = discoverIdentities(opts, file);
  const key = await unwrapDataKey(stanzas, found, file, opts.ageKeyFileHint);
  return decryptLoaded(loaded, meta, key, file).document;
}

/**
 * Internal, for tests: decrypts with a known data key, skipping the key layer, so the AES and
 * MAC logic can be checked on vectors whose keys are PGP. Also returns the comments walked.
 */
export function decryptWithDataKey(
  text: string,
  format: SopsFormat,
  dataKey: Uint8Array,
  fileName = `<${format} input>`,
): { document: unknown; comments: WalkedComment[] } {
  const loaded = loadFile(text, format, fileName);
  return decryptLoaded(loaded, parseMetadata(loaded.metadata, fileName), dataKey, fileName);
}

function decryptLoaded(loaded: LoadedFile, meta: SopsMetadata, key: Uint8Array, file: string): { document: unknown; comments: WalkedComment[] } {
  const { branches, comments, computedMac } = decryptBranches(loaded.branches(meta.semantics), meta.rules, key, file);
  verifyMac(meta.mac, meta.lastModifiedAad, computedMac, key, file);
  const docs = branches.map(nodeToJs);
  return { document: docs.length === 1 ? docs[0] : docs, comments };
}
