/**
 * The inverse of the decryptor, for YAML only: encrypts a plaintext YAML document to age
 * recipients the way sops 3.9 does (fresh data key, AES-GCM per value with the key-path AAD,
 * encrypted comments, MAC over the plaintext values, sops metadata block). It exists because
 * there is no sops binary in this environment; real `sops` reads and edits its output.
 *
 * It writes `version: 3.9.4` because it follows 3.9's parsing: plain YAML timestamps stay
 * strings (sops 3.10 started reading them as time values).
 */
import crypto from "node:crypto";
import * as age from "age-encryption";
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type Node as YamlNode } from "yaml";
import { encryptEnc } from "./format";
import { regex } from "./metadata";
import { loadFile } from "./stores";
import { type CommentNode, type CryptRules, type MapNode, type TreeNode, encryptBranches } from "./tree";

export const WRITTEN_SOPS_VERSION = "3.9.4";

export interface EncryptRules {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: string;
  encryptedRegex?: string;
  macOnlyEncrypted?: boolean;
}

export interface EncryptOptions {
  /** age recipients (`age1...`, `age1pq1...`); the data key is wrapped once per recipient. */
  recipients: string[];
  rules?: EncryptRules;
  /** Written as `lastmodified`; defaults to now. */
  now?: Date;
  /** YAML indentation; sops writes 4. */
  indent?: number;
  /** Names the input in errors. */
  fileName?: string;
}

export async function encryptYaml(plainText: string, opts: EncryptOptions): Promise<string> {
  const file = opts.fileName ?? "<yaml input>";
  if (opts.recipients.length === 0) throw new Error(`${file}: no age recipients to encrypt to`);
  const loaded = loadFile(plainText, "yaml", file);
  if (loaded.metadata) throw new Error(`${file}: already sops-encrypted (it has a top-level 'sops' entry)`);
  const branches = loaded.branches({ yamlTimestamps: false, jsonInts: false });

  const r = opts.rules ?? {};
  const set = Object.entries(r).filter(([k, v]) => k !== "macOnlyEncrypted" && v !== undefined && v !== "");
  if (set.length > 1) throw new Error(`${file}: only one of the suffix/regex rules may be set; got ${set.map(([k]) => k).join(", ")}`);
  const invalid = (d: string): never => {
    throw new Error(`${file}: ${d}`);
  };
  const rules: CryptRules = {
    unencryptedSuffix: set.length === 0 ? "_unencrypted" : r.unencryptedSuffix || undefined,
    encryptedSuffix: r.encryptedSuffix || undefined,
    unencryptedRegex: regex(r.unencryptedRegex || undefined, "unencrypted_regex", invalid),
    encryptedRegex: regex(r.encryptedRegex || undefined, "encrypted_regex", invalid),
    macOnlyEncrypted: r.macOnlyEncrypted === true,
  };

  const dataKey = crypto.randomBytes(32);
  const encrypted = encryptBranches(branches, rules, dataKey);
  // Second precision, as time.RFC3339: this exact text is the AAD of the encrypted MAC.
  const lastModified = (opts.now ?? new Date()).toISOString().replace(/\.\d+Z$/, "Z");
  const mac = encryptEnc(Buffer.from(encrypted.mac, "utf8"), "str", dataKey, lastModified);
  const stanzas: { recipient: string; enc: string }[] = [];
  for (const recipient of opts.recipients) {
    const e = new age.Encrypter();
    e.addRecipient(recipient);
    stanzas.push({ recipient, enc: age.armor.encode(await e.encrypt(dataKey)) });
  }

  const ruleFields: [string, unknown][] = [
    ["unencrypted_suffix", rules.unencryptedSuffix],
    ["encrypted_suffix", rules.encryptedSuffix],
    ["unencrypted_regex", r.unencryptedRegex || undefined],
    ["encrypted_regex", r.encryptedRegex || undefined],
    ["mac_only_encrypted", rules.macOnlyEncrypted || undefined],
  ];
  return encrypted.branches
    .map((branch) => {
      const doc = new Document();
      const root = toYamlMap(branch);
      root.items.push(new Pair(new Scalar("sops"), metadataNode(stanzas, lastModified, mac, ruleFields)));
      doc.contents = root;
      return doc.toString({ indent: opts.indent ?? 4, lineWidth: 0 });
    })
    .join("---\n");
}

/** Field order and empty lists as sops 3.9 writes them. */
function metadataNode(stanzas: { recipient: string; enc: string }[], lastModified: string, mac: string, rules: [string, unknown][]): YAMLMap {
  const m = new YAMLMap();
  const add = (k: string, v: unknown): void => {
    m.items.push(new Pair(new Scalar(k), v instanceof Scalar || v instanceof YAMLSeq ? v : new Scalar(v)));
  };
  const emptyList = (): YAMLSeq => Object.assign(new YAMLSeq(), { flow: true });
  for (const k of ["kms", "gcp_kms", "azure_kv", "hc_vault"]) add(k, emptyList());
  const ageList = new YAMLSeq();
  for (const s of stanzas) {
    const entry = new YAMLMap();
    const enc = new Scalar(s.enc);
    enc.type = "BLOCK_LITERAL";
    entry.items.push(new Pair(new Scalar("recipient"), new Scalar(s.recipient)), new Pair(new Scalar("enc"), enc));
    ageList.items.push(entry);
  }
  add("age", ageList);
  const lm = new Scalar(lastModified);
  lm.type = "QUOTE_DOUBLE"; // looks like a timestamp to YAML 1.1 readers; sops quotes it too
  add("lastmodified", lm);
  add("mac", mac);
  add("pgp", emptyList());
  for (const [k, v] of rules) if (v !== undefined) add(k, v);
  add("version", WRITTEN_SOPS_VERSION);
  return m;
}

/** Comments go before the next entry (as `commentBefore`) or at the end of their container. */
function toYamlMap(node: MapNode): YAMLMap {
  const map = new YAMLMap();
  let pending: string[] = [];
  for (const e of node.entries) {
    if (e.kind === "comment") {
      pending.push(e.text);
      continue;
    }
    const key = new Scalar(e.key);
    if (pending.length > 0) key.commentBefore = pending.join("\n");
    pending = [];
    map.items.push(new Pair(key, toYamlNode(e.value)));
  }
  if (pending.length > 0) map.comment = pending.join("\n");
  return map;
}

function toYamlNode(node: TreeNode): YamlNode {
  switch (node.kind) {
    case "null":
      return new Scalar(null);
    case "map":
      return toYamlMap(node);
    case "list": {
      const seq = new YAMLSeq();
      let pending: string[] = [];
      for (const item of node.items) {
        if (item.kind === "comment") {
          pending.push((item as CommentNode).text);
          continue;
        }
        const n = toYamlNode(item);
        if (pending.length > 0) n.commentBefore = pending.join("\n");
        pending = [];
        seq.items.push(n);
      }
      if (pending.length > 0) seq.comment = pending.join("\n");
      return seq;
    }
    case "scalar": {
      const s = node.scalar;
      if (s.type === "bytes") throw new Error("bytes values cannot be written to YAML");
      const out = new Scalar(s.value);
      // Keep a cleartext float a float: YAML would read "3" back as an int.
      if (s.type === "float") out.minFractionDigits = 1;
      return out;
    }
  }
}
