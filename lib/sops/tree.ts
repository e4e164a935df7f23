/**
 * The ordered document tree every store produces, and the walk sops does over it to decrypt
 * (or encrypt) each leaf and hash the MAC. Mirrors getsops/sops `sops.go` (`walkBranch`,
 * `walkSlice`, `shouldBeEncrypted`, `Tree.Decrypt`, `Tree.Encrypt`).
 *
 * The tree is a list of entries, not a JS object, because the MAC covers values in file order
 * and JS objects move integer-like keys ("8080") to the front.
 */
import crypto from "node:crypto";
import { SopsError } from "./errors";
import { type Scalar, decryptEnc, encryptEnc, plaintextToScalar, scalarToBytes, scalarToJs } from "./format";

export interface ScalarNode { kind: "scalar"; scalar: Scalar }
export interface NullNode { kind: "null" }
/** A comment line without its `#`. sops encrypts comments too; they never enter the MAC. */
export interface CommentNode { kind: "comment"; text: string }
export interface MapEntry { kind: "entry"; key: string; value: TreeNode }
export interface MapNode { kind: "map"; entries: (MapEntry | CommentNode)[] }
export interface ListNode { kind: "list"; items: (TreeNode | CommentNode)[] }
export type TreeNode = ScalarNode | NullNode | MapNode | ListNode;

/** Which leaves are encrypted, from the file's metadata. At most one of the four is set. */
export interface CryptRules {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: RegExp;
  encryptedRegex?: RegExp;
  macOnlyEncrypted: boolean;
}

/** A comment seen during decryption, with the AAD it was tried with (tests check both). */
export interface WalkedComment { aad: string; text: string; decrypted: boolean }

// sha256("sops"): prefixes the hash when mac_only_encrypted is set, so the two MAC kinds differ.
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from("8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69", "hex");

/** `Tree.shouldBeEncrypted`: rules test every map key on the path, list indices are not keys. */
export function shouldBeEncrypted(keys: readonly string[], rules: CryptRules): boolean {
  let encrypted = true;
  if (rules.unencryptedSuffix && keys.some((k) => k.endsWith(rules.unencryptedSuffix!))) encrypted = false;
  if (rules.encryptedSuffix) encrypted = keys.some((k) => k.endsWith(rules.encryptedSuffix!));
  if (rules.unencryptedRegex && keys.some((k) => rules.unencryptedRegex!.test(k))) encrypted = false;
  if (rules.encryptedRegex) encrypted = keys.some((k) => rules.encryptedRegex!.test(k));
  return encrypted;
}

/** AES-GCM additional data: the map keys down to the leaf, each followed by ":" (top level is ":"). */
export function aadFor(keys: readonly string[]): string {
  return keys.join(":") + ":";
}

type Leaf = ScalarNode | CommentNode;
type Visitor = (leaf: Leaf, keys: string[], display: string) => Leaf;

function walk(node: TreeNode, keys: string[], display: string, visit: Visitor): TreeNode {
  switch (node.kind) {
    case "null":
      return node; // sops skips nulls entirely: not encrypted, not in the MAC
    case "scalar":
      return visit(node, keys, display) as ScalarNode;
    case "map":
      return {
        kind: "map",
        entries: node.entries.map((e) => {
          if (e.kind === "comment") return visit(e, keys, display) as CommentNode;
          const sub = display ? `${display}${displayKey(e.key)}` : displayKey(e.key).replace(/^\./, "");
          return { kind: "entry", key: e.key, value: walk(e.value, [...keys, e.key], sub, visit) };
        }),
      };
    case "list": {
      let index = 0;
      // List items share their parent's key path: the index is not part of the AAD.
      return {
        kind: "list",
        items: node.items.map((item) =>
          item.kind === "comment" ? visit(item, keys, display) : walk(item, keys, `${display}[${index++}]`, visit),
        ),
      };
    }
  }
}

function displayKey(key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function walkBranches(branches: MapNode[], visit: Visitor): MapNode[] {
  return branches.map((b, i) => {
    const prefix = branches.length > 1 ? `(document ${i + 1}) ` : "";
    return walk(b, [], "", (leaf, keys, display) => visit(leaf, keys, prefix + display)) as MapNode;
  });
}

export interface DecryptedTree {
  branches: MapNode[];
  comments: WalkedComment[];
  /** Upper-case hex SHA-512, as sops formats it. */
  computedMac: string;
}

/** Decrypts every leaf the rules say is encrypted and computes the MAC over the result. */
export function decryptBranches(branches: MapNode[], rules: CryptRules, key: Uint8Array, file: string): DecryptedTree {
  const hash = crypto.createHash("sha512");
  if (rules.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  const comments: WalkedComment[] = [];
  const out = walkBranches(branches, (leaf, keys, display) => {
    const encrypted = shouldBeEncrypted(keys, rules);
    const aad = aadFor(keys);
    if (leaf.kind === "comment") {
      if (!encrypted) return leaf;
      try {
        const text = decryptEnc(leaf.text, key, aad).plaintext.toString("utf8");
        comments.push({ aad, text, decrypted: true });
        return { kind: "comment", text };
      } catch {
        // Older sops left comments in clear; sops tolerates comments that do not decrypt.
        comments.push({ aad, text: leaf.text, decrypted: false });
        return leaf;
      }
    }
    let result: ScalarNode = leaf;
    let macBytes: Uint8Array;
    if (encrypted) {
      ({ result, macBytes } = decryptLeaf(leaf, key, aad, display, file));
    } else {
      macBytes = scalarToBytes(leaf.scalar);
    }
    if (!rules.macOnlyEncrypted || encrypted) hash.update(macBytes);
    return result;
  });
  return { branches: out, comments, computedMac: hash.digest("hex").toUpperCase() };
}

function decryptLeaf(leaf: ScalarNode, key: Uint8Array, aad: string, where: string, file: string): { result: ScalarNode; macBytes: Uint8Array } {
  const fail = (why: string): never => {
    throw new SopsError("value-decrypt-failed", file, `cannot decrypt the value at ${where}: ${why}`);
  };
  if (leaf.scalar.type !== "str") {
    // sops would crash here; refusing matters because an attacker could replace a secret with plaintext.
    return fail(`expected an encrypted ENC[...] string but found a plain ${leaf.scalar.type} value`);
  }
  // sops never encrypts the empty string, and decrypts "" to "" (aes/cipher.go isEmpty).
  if (leaf.scalar.value === "") return { result: leaf, macBytes: new Uint8Array() };
  try {
    const { type, plaintext } = decryptEnc(leaf.scalar.value, key, aad);
    const scalar = plaintextToScalar(type, plaintext);
    // Strings hash their raw bytes (Go strings are byte strings); other types are re-serialised.
    return { result: { kind: "scalar", scalar }, macBytes: scalar.type === "str" ? plaintext : scalarToBytes(scalar) };
  } catch (err) {
    return fail((err as Error).message);
  }
}

/** Checks the stored `sops.mac` (an ENC string whose AAD is the canonical lastmodified). */
export function verifyMac(storedMac: string, lastModifiedAad: string, computedMac: string, key: Uint8Array, file: string): void {
  let stored: string;
  try {
    const { type, plaintext } = decryptEnc(storedMac, key, lastModifiedAad);
    if (type !== "str") throw new Error("not a string");
    stored = plaintext.toString("utf8");
  } catch {
    throw new SopsError(
      "mac-mismatch",
      file,
      "the stored MAC cannot be decrypted: the sops.mac or sops.lastmodified field was altered, or the file is corrupt",
    );
  }
  const a = Buffer.from(stored, "utf8");
  const b = Buffer.from(computedMac, "utf8");
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
    throw new SopsError(
      "mac-mismatch",
      file,
      "MAC mismatch: the file's values or their order changed since it was encrypted (edited outside sops, or tampered)",
    );
  }
}

/** `Tree.Encrypt`: hashes each leaf's plaintext, then encrypts the leaves the rules select. */
export function encryptBranches(branches: MapNode[], rules: CryptRules, key: Uint8Array): { branches: MapNode[]; mac: string } {
  const hash = crypto.createHash("sha512");
  if (rules.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  const out = walkBranches(branches, (leaf, keys) => {
    const encrypted = shouldBeEncrypted(keys, rules);
    const aad = aadFor(keys);
    if (leaf.kind === "comment") {
      if (!encrypted || leaf.text === "") return leaf;
      return { kind: "comment", text: encryptEnc(Buffer.from(leaf.text, "utf8"), "comment", key, aad) };
    }
    const bytes = scalarToBytes(leaf.scalar);
    if (!rules.macOnlyEncrypted || encrypted) hash.update(bytes);
    if (!encrypted || bytes.length === 0) return leaf;
    return { kind: "scalar", scalar: { type: "str", value: encryptEnc(bytes, leaf.scalar.type, key, aad) } };
  });
  return { branches: out, mac: hash.digest("hex").toUpperCase() };
}

/** Plain JS: maps become objects (keys in file order, except what JS itself reorders), lists arrays. */
export function nodeToJs(node: TreeNode): unknown {
  switch (node.kind) {
    case "null":
      return null;
    case "scalar":
      return scalarToJs(node.scalar);
    case "list":
      return node.items.filter((i): i is TreeNode => i.kind !== "comment").map(nodeToJs);
    case "map": {
      const obj: Record<string, unknown> = {};
      for (const e of node.entries) {
        if (e.kind === "comment") continue;
        // defineProperty, so a key named "__proto__" stays data instead of replacing the prototype.
        Object.defineProperty(obj, e.key, { value: nodeToJs(e.value), enumerable: true, writable: true, configurable: true });
      }
      return obj;
    }
  }
}
