/**
 * Reads a SOPS file (YAML, JSON, dotenv, or the binary store's JSON envelope) into the ordered
 * tree of tree.ts, plus its raw `sops` metadata. Mirrors getsops/sops `stores/*`.
 */
import path from "node:path";
import { type Document, type Node as YamlNode, isAlias, isMap, isScalar, isSeq, parseAllDocuments } from "yaml";
import { SopsError } from "./errors";
import { yamlTimestampToGo } from "./format";
import { type JsonValue, JsonSyntaxError, jsonToJs, parseJson } from "./json";
import type { CommentNode, MapEntry, MapNode, TreeNode } from "./tree";

export type SopsFormat = "yaml" | "json" | "dotenv" | "binary";

/** Parsing choices that changed between sops versions; the file's `version` picks them. */
export interface StoreSemantics {
  /** sops >= 3.10 reads plain YAML timestamps as time values (hashed as RFC 3339). */
  yamlTimestamps: boolean;
  /** sops >= 3.13.2 reads JSON integers as ints; before, every JSON number was a float64. */
  jsonInts: boolean;
}

export interface LoadedFile {
  /** The `sops` metadata as plain JS, or undefined when the file has none. */
  metadata: Record<string, unknown> | undefined;
  /** The data documents without the metadata, built with the given semantics. */
  branches(sem: StoreSemantics): MapNode[];
}

/** The store sops would pick from the file name (anything unknown is the binary store). */
export function formatFromPath(file: string): SopsFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  if (ext === ".json") return "json";
  if (ext === ".env") return "dotenv";
  return "binary";
}

export function loadFile(text: string, format: SopsFormat, file: string): LoadedFile {
  switch (format) {
    case "yaml":
      return loadYaml(text, file);
    case "json":
    case "binary": // the binary store writes a JSON object with a single "data" key
      return loadJson(text, file);
    case "dotenv":
      return loadDotenv(text, file);
  }
}

const parseError = (file: string, detail: string): SopsError => new SopsError("parse-error", file, detail);

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

// ---------------------------------------------------------------- YAML

// Aliases are expanded like sops does; the cap stops "billion laughs" files.
const MAX_ALIAS_EXPANSIONS = 10_000;

function loadYaml(text: string, file: string): LoadedFile {
  // prettyErrors off: the pretty form quotes the offending source line, which may hold a secret.
  const docs = parseAllDocuments(text, { intAsBigInt: true, uniqueKeys: true, prettyErrors: false });
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const before = text.slice(0, err.pos[0]);
      const line = before.split("\n").length;
      const column = err.pos[0] - before.lastIndexOf("\n");
      throw parseError(file, `YAML syntax error at line ${line}, column ${column} (${err.code})`);
    }
  }
  const first = docs[0]?.contents;
  const sopsNode = isMap(first) ? first.items.find((p) => isScalar(p.key) && p.key.value === "sops")?.value : undefined;
  const metadata = sopsNode ? asRecord((sopsNode as YamlNode).toJS(docs[0]!, { maxAliasCount: 100 })) : undefined;
  return {
    metadata,
    branches: (sem) => docs.map((doc) => yamlDocToBranch(doc, sem, file)),
  };
}

function yamlDocToBranch(doc: Document, sem: StoreSemantics, file: string): MapNode {
  const root = doc.contents;
  const entries: (MapEntry | CommentNode)[] = [...comments(doc.commentBefore)];
  if (isMap(root)) {
    const map = new YamlTreeBuilder(doc, sem, file).map(root);
    // The metadata key is dropped from every document; a nested "sops" key is ordinary data.
    entries.push(...map.entries.filter((e) => !(e.kind === "entry" && e.key === "sops")));
  } else if (root !== null && !(isScalar(root) && root.value === null)) {
    throw parseError(file, `YAML documents must be maps; found a ${isSeq(root) ? "sequence" : "scalar"}`);
  }
  entries.push(...comments(doc.comment));
  return { kind: "map", entries };
}

/** yaml's comment text has the `#` stripped; one CommentNode per non-empty line, as sops does. */
function comments(text: string | null | undefined): CommentNode[] {
  if (!text) return [];
  return text.split("\n").filter((l) => l !== "").map((l) => ({ kind: "comment", text: l }));
}

class YamlTreeBuilder {
  private aliasExpansions = 0;
  private readonly expanding = new Set<YamlNode>();
  constructor(private readonly doc: Document, private readonly sem: StoreSemantics, private readonly file: string) {}

  /**
   * Comments attached to a container, or to its keys and scalar items, belong to that
   * container, which fixes their AAD. Their order among the entries only matters to the
   * comment-regex rules, which are rejected.
   */
  map(node: YamlNode): MapNode {
    if (!isMap(node)) throw parseError(this.file, "internal: expected a YAML map");
    const entries: (MapEntry | CommentNode)[] = [...comments(node.commentBefore)];
    for (const pair of node.items) {
      const key = pair.key as YamlNode | null;
      const value = pair.value as YamlNode | null;
      if (!isScalar(key)) throw parseError(this.file, "YAML map keys must be scalars");
      entries.push(...comments(key.commentBefore), ...comments(key.comment));
      if (value && (isScalar(value) || isAlias(value))) entries.push(...comments(value.commentBefore), ...comments(value.comment));
      entries.push({ kind: "entry", key: this.keyText(key), value: this.node(value) });
    }
    entries.push(...comments(node.comment));
    return { kind: "map", entries };
  }

  private node(node: YamlNode | null): TreeNode {
    if (node === null) return { kind: "null" };
    if (isAlias(node)) {
      if (++this.aliasExpansions > MAX_ALIAS_EXPANSIONS) throw parseError(this.file, "too many YAML alias expansions");
      const target = node.resolve(this.doc) as YamlNode | undefined;
      if (!target) throw parseError(this.file, `YAML alias *${node.source} has no anchor`);
      // An alias inside its own anchor would expand forever.
      if (this.expanding.has(target)) throw parseError(this.file, `YAML alias *${node.source} refers to itself`);
      this.expanding.add(target);
      try {
        return this.node(target);
      } finally {
        this.expanding.delete(target);
      }
    }
    if (isMap(node)) return this.map(node);
    if (isSeq(node)) {
      const items: (TreeNode | CommentNode)[] = [...comments(node.commentBefore)];
      for (const item of node.items as (YamlNode | null)[]) {
        if (item && (isScalar(item) || isAlias(item))) items.push(...comments(item.commentBefore), ...comments(item.comment));
        items.push(this.node(item));
      }
      items.push(...comments(node.comment));
      return { kind: "list", items };
    }
    if (isScalar(node)) return this.scalar(node);
    throw parseError(this.file, "unsupported YAML node");
  }

  private scalar(node: YamlNode & { value: unknown; type?: string; tag?: string }): TreeNode {
    const v = node.value;
    if (v === null || v === undefined) return { kind: "null" };
    if (typeof v === "string") {
      // Only plain, untagged scalars can be timestamps (go-yaml resolves quoted ones as strings).
      const time = this.sem.yamlTimestamps && node.type === "PLAIN" && !node.tag ? yamlTimestampToGo(v) : undefined;
      return { kind: "scalar", scalar: time ? { type: "time", value: time } : { type: "str", value: v } };
    }
    if (typeof v === "bigint") return { kind: "scalar", scalar: { type: "int", value: v } };
    if (typeof v === "number") return { kind: "scalar", scalar: { type: "float", value: v } };
    if (typeof v === "boolean") return { kind: "scalar", scalar: { type: "bool", value: v } };
    throw parseError(this.file, "unsupported YAML scalar type");
  }

  private keyText(key: YamlNode & { value: unknown; source?: string }): string {
    if (typeof key.value === "string") return key.value;
    if (key.value === null || key.value === undefined) throw parseError(this.file, "YAML map keys must not be null");
    // A plain `8080:` key is kept as written rather than rejected.
    return key.source ?? String(key.value);
  }
}

// ---------------------------------------------------------------- JSON

function loadJson(text: string, file: string): LoadedFile {
  let root: JsonValue;
  try {
    root = parseJson(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw parseError(file, err.message);
    throw err;
  }
  if (root.t !== "obj") throw parseError(file, "the JSON document must be an object");
  const sops = root.entries.find(([k]) => k === "sops");
  return {
    metadata: sops ? asRecord(jsonToJs(sops[1])) : undefined,
    branches: (sem) => [
      { kind: "map", entries: root.entries.filter(([k]) => k !== "sops").map(([k, v]) => jsonEntry(k, v, sem, file)) },
    ],
  };
}

function jsonEntry(key: string, v: JsonValue, sem: StoreSemantics, file: string): MapEntry {
  return { kind: "entry", key, value: jsonNode(v, sem, file) };
}

function jsonNode(v: JsonValue, sem: StoreSemantics, file: string): TreeNode {
  switch (v.t) {
    case "obj":
      return { kind: "map", entries: v.entries.map(([k, e]) => jsonEntry(k, e, sem, file)) };
    case "arr":
      return { kind: "list", items: v.items.map((i) => jsonNode(i, sem, file)) };
    case "str":
      return { kind: "scalar", scalar: { type: "str", value: v.v } };
    case "bool":
      return { kind: "scalar", scalar: { type: "bool", value: v.v } };
    case "null":
      return { kind: "null" };
    case "num": {
      if (sem.jsonInts && /^-?\d+$/.test(v.raw)) {
        const n = BigInt(v.raw);
        if (n >= -(2n ** 63n) && n < 2n ** 63n) return { kind: "scalar", scalar: { type: "int", value: n } };
      }
      const f = Number(v.raw);
      if (!Number.isFinite(f)) throw parseError(file, "a JSON number is out of the float64 range");
      return { kind: "scalar", scalar: { type: "float", value: f } };
    }
  }
}

// ---------------------------------------------------------------- dotenv

function loadDotenv(text: string, file: string): LoadedFile {
  const entries: (MapEntry | CommentNode)[] = [];
  const flat: Record<string, string> = {};
  let hasMetadata = false;
  text.split("\n").forEach((line, i) => {
    if (line === "") return;
    if (line.startsWith("#")) {
      entries.push({ kind: "comment", text: line.slice(1) });
      return;
    }
    // Split at the first "=" with no trimming or unquoting: sops keeps "foo " and " bar" as is.
    const eq = line.indexOf("=");
    if (eq === -1) throw parseError(file, `dotenv line ${i + 1} is not KEY=VALUE`);
    const key = line.slice(0, eq);
    // sops (stores/dotenv/store.go LoadPlainFile) turns every literal "\n" into a newline, in
    // data values too: a cleartext value's MAC is computed over the unescaped text.
    const value = line.slice(eq + 1).replaceAll("\\n", "\n");
    if (key.startsWith("sops_")) {
      hasMetadata = true;
      // Metadata is unescaped a second time (stores.DecodeNewLines), as sops does.
      flat[key.slice("sops_".length)] = value.replaceAll("\\n", "\n");
    } else {
      entries.push({ kind: "entry", key, value: { kind: "scalar", scalar: { type: "str", value } } });
    }
  });
  return { metadata: hasMetadata ? unflatten(flat) : undefined, branches: () => [{ kind: "map", entries }] };
}

/** `stores/flatten.go Unflatten`: `age__list_0__map_enc` becomes `{ age: [{ enc }] }`. */
export function unflatten(flat: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [flatKey, value] of Object.entries(flat)) {
    const tokens: (string | number)[] = [];
    const re = /__(map|list)_/g;
    let last = 0;
    let kind = "map";
    for (let m = re.exec(flatKey); m; m = re.exec(flatKey)) {
      const part = flatKey.slice(last, m.index);
      tokens.push(kind === "list" ? Number(part) : part);
      kind = m[1]!;
      last = m.index + m[0].length;
    }
    const part = flatKey.slice(last);
    tokens.push(kind === "list" ? Number(part) : part);
    let cur: Record<string | number, unknown> = root;
    for (const [i, tok] of tokens.entries()) {
      if (i === tokens.length - 1) {
        define(cur, tok, value);
        break;
      }
      if (!Object.hasOwn(cur, tok)) define(cur, tok, typeof tokens[i + 1] === "number" ? [] : {});
      const next = cur[tok];
      // Conflicting keys (a value and a nested one under the same name): keep the first, the
      // metadata validation then reports what is missing.
      if (next === null || typeof next !== "object") break;
      cur = next as Record<string | number, unknown>;
    }
  }
  return root;
}

// defineProperty, so a "__proto__" key stays data instead of replacing the prototype.
function define(obj: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
