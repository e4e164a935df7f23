/**
 * A small JSON reader that keeps what `JSON.parse` loses and the MAC needs: object key order
 * (JS objects move integer-like keys first) and the source text of numbers (ints beyond 2^53).
 * Errors give a position only, never the text around it, since the file holds secrets.
 */

export type JsonValue =
  | { t: "obj"; entries: [string, JsonValue][] }
  | { t: "arr"; items: JsonValue[] }
  | { t: "str"; v: string }
  | { t: "num"; raw: string }
  | { t: "bool"; v: boolean }
  | { t: "null" };

export class JsonSyntaxError extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
// Nesting is bounded so a hostile file cannot exhaust the stack.
const MAX_DEPTH = 512;

export function parseJson(text: string): JsonValue {
  let pos = 0;

  const fail = (what: string): never => {
    const before = text.slice(0, pos);
    const line = before.split("\n").length;
    const column = pos - before.lastIndexOf("\n");
    throw new JsonSyntaxError(`JSON syntax error at line ${line}, column ${column}: ${what}`);
  };
  const skipWs = (): void => {
    while (pos < text.length && " \t\r\n".includes(text[pos]!)) pos++;
  };
  const expect = (ch: string): void => {
    skipWs();
    if (text[pos] !== ch) fail(`expected '${ch}'`);
    pos++;
  };
  const readString = (): string => {
    STRING.lastIndex = pos;
    const m = STRING.exec(text);
    if (!m) return fail("invalid string");
    pos += m[0].length;
    return JSON.parse(m[0]) as string;
  };

  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail("nesting too deep");
    skipWs();
    const c = text[pos];
    if (c === "{") {
      pos++;
      const entries: [string, JsonValue][] = [];
      const seen = new Set<string>();
      skipWs();
      if (text[pos] === "}") {
        pos++;
        return { t: "obj", entries };
      }
      for (;;) {
        skipWs();
        if (text[pos] !== '"') fail("expected a string key");
        const key = readString();
        if (seen.has(key)) fail("duplicate key");
        seen.add(key);
        expect(":");
        entries.push([key, value(depth + 1)]);
        skipWs();
        if (text[pos] === ",") { pos++; continue; }
        if (text[pos] === "}") { pos++; return { t: "obj", entries }; }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      pos++;
      const items: JsonValue[] = [];
      skipWs();
      if (text[pos] === "]") {
        pos++;
        return { t: "arr", items };
      }
      for (;;) {
        items.push(value(depth + 1));
        skipWs();
        if (text[pos] === ",") { pos++; continue; }
        if (text[pos] === "]") { pos++; return { t: "arr", items }; }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return { t: "str", v: readString() };
    for (const [word, v] of [["true", { t: "bool", v: true }], ["false", { t: "bool", v: false }], ["null", { t: "null" }]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail("unexpected character");
    pos += m[0].length;
    return { t: "num", raw: m[0] };
  };

  const result = value(0);
  skipWs();
  if (pos < text.length) fail("unexpected data after the document");
  return result;
}

/** Plain JS for metadata, where order and number precision do not matter. */
export function jsonToJs(v: JsonValue): unknown {
  switch (v.t) {
    case "obj":
      return Object.fromEntries(v.entries.map(([k, e]) => [k, jsonToJs(e)]));
    case "arr":
      return v.items.map(jsonToJs);
    case "str":
    case "bool":
      return v.v;
    case "num":
      return Number(v.raw);
    case "null":
      return null;
  }
}
