/**
 * Paths no published real file covers (README: no mac_only_encrypted, type:time, Shamir or
 * comment-regex vectors), built by hand here. The expected MAC is computed in the test itself
 * from the sops algorithm (SHA-512 over the listed plaintext bytes), not by the code under test.
 */
import crypto from "node:crypto";
import { decryptText, decryptWithDataKey } from "../../../lib/sops";
import { type ValueType, encryptEnc } from "../../../lib/sops/format";
import { sopsError } from "./helpers";

const KEY = Buffer.alloc(32, 9);
const LASTMODIFIED = "2024-05-01T12:00:00Z";
const enc = (plain: string, type: ValueType, aad: string): string => encryptEnc(Buffer.from(plain), type, KEY, aad);

interface Meta {
  version?: string;
  macOnly?: boolean;
  /** Extra `sops:` lines, already indented by 4. */
  extra?: string[];
}

function mac(parts: string[], macOnly = false): string {
  const h = crypto.createHash("sha512");
  if (macOnly) h.update(crypto.createHash("sha256").update("sops").digest());
  for (const p of parts) h.update(p);
  return enc(h.digest("hex").toUpperCase(), "str", LASTMODIFIED);
}

function yamlFile(body: string, macParts: string[], meta: Meta = {}): string {
  const lines = [
    "sops:",
    "    age: []",
    `    lastmodified: "${LASTMODIFIED}"`,
    `    mac: ${mac(macParts, meta.macOnly)}`,
    ...(meta.macOnly ? ["    mac_only_encrypted: true"] : []),
    ...(meta.extra ?? []),
    `    version: ${meta.version ?? "3.10.2"}`,
  ];
  return `${body}${lines.join("\n")}\n`;
}

const open = (text: string, format: "yaml" | "json" = "yaml") => decryptWithDataKey(text, format, KEY, "hand.yaml").document;

describe("value types", () => {
  test("time, int beyond 2^53, bytes, bool, float, empty string and null", () => {
    const body = [
      `when: ${enc("2024-01-01T10:00:00.5+02:00", "time", "when:")}`,
      `big: ${enc("9007199254740993", "int", "big:")}`,
      `raw: ${enc("\u0001\u0002", "bytes", "raw:")}`,
      `flag: ${enc("True", "bool", "flag:")}`,
      `ratio: ${enc("0.25", "float", "ratio:")}`,
      'empty: ""',
      "nothing: null",
      `"8080": ${enc("port", "str", "8080:")}`,
      "",
    ].join("\n");
    const parts = ["2024-01-01T10:00:00.5+02:00", "9007199254740993", "\u0001\u0002", "True", "0.25", "", "port"];
    expect(open(yamlFile(body, parts))).toStrictEqual({
      when: "2024-01-01T10:00:00.5+02:00",
      big: 9007199254740993n,
      raw: new Uint8Array([1, 2]),
      flag: true,
      ratio: 0.25,
      empty: "",
      nothing: null,
      "8080": "port",
    });
  });

  test("an int outside int64 fails to decrypt, naming the key", async () => {
    const text = yamlFile(`n: ${enc("9223372036854775808", "int", "n:")}\n`, ["9223372036854775808"]);
    const err = await sopsError(() => open(text), "value-decrypt-failed");
    expect(err.detail).toBe("cannot decrypt the value at n: a type:int value is out of the int64 range");
  });

  test("list items share their key's AAD; maps inside lists add their own keys", () => {
    const body = `a:\n    - ${enc("x", "str", "a:")}\n    - b: ${enc("y", "str", "a:b:")}\n`;
    expect(open(yamlFile(body, ["x", "y"]))).toStrictEqual({ a: ["x", { b: "y" }] });
  });

  test("errors name the failing value like a.b[1].c, quoting keys that need it", async () => {
    const body = `a:
    "my key":
        - ${enc("x", "str", "a:my key:")}
        - c: ${enc("y", "str", "a:my key:WRONG:")}
`;
    const err = await sopsError(() => open(yamlFile(body, ["x", "y"])), "value-decrypt-failed");
    expect(err.detail).toBe('cannot decrypt the value at a["my key"][1].c: AES-GCM authentication failed (wrong data key, moved or tampered value)');
  });
});

describe("cleartext leaves are hashed re-serialised, by the rules of the sops version that wrote them", () => {
  const body = "day_unencrypted: 2024-01-01\nratio_unencrypted: 1.50\nok_unencrypted: true\n";
  test("sops >= 3.10 reads a plain YAML timestamp as a time", () => {
    expect(open(yamlFile(body, ["2024-01-01T00:00:00Z", "1.5", "True"], { version: "3.10.2" }))).toStrictEqual({
      day_unencrypted: "2024-01-01T00:00:00Z",
      ratio_unencrypted: 1.5,
      ok_unencrypted: true,
    });
    return sopsError(() => open(yamlFile(body, ["2024-01-01", "1.5", "True"], { version: "3.10.2" })), "mac-mismatch");
  });

  test("older sops kept it a string", async () => {
    expect(open(yamlFile(body, ["2024-01-01", "1.5", "True"], { version: "3.9.4" }))).toMatchObject({ day_unencrypted: "2024-01-01" });
    await sopsError(() => open(yamlFile(body, ["2024-01-01T00:00:00Z", "1.5", "True"], { version: "3.9.4" })), "mac-mismatch");
  });

  const json = (version: string, parts: string[]) =>
    JSON.stringify({ n_unencrypted: "@N@", sops: { lastmodified: LASTMODIFIED, mac: mac(parts), version } }).replace('"@N@"', "9007199254740993");

  test("JSON integers are ints from 3.13.2 on, float64 before", () => {
    expect(open(json("3.13.2", ["9007199254740993"]), "json")).toStrictEqual({ n_unencrypted: 9007199254740993n });
    expect(open(json("3.9.2", ["9007199254740992"]), "json")).toStrictEqual({ n_unencrypted: 9007199254740992 });
  });
});

describe("crypt rules", () => {
  test.each([
    ["encrypted_suffix: _secret", "password_secret", "user"],
    ["encrypted_regex: ^(data|stringData)$", "data", "kind"],
    ["encrypted_regex: (?i)^PASS", "password", "user"],
    ["unencrypted_regex: ^pub", "secret", "public"],
    ["unencrypted_suffix: _clear", "secret", "name_clear"],
  ])("%s: only the selected key is encrypted", (rule, encryptedKey, clearKey) => {
    const body = `${clearKey}: visible\n${encryptedKey}: ${enc("hidden", "str", `${encryptedKey}:`)}\n`;
    const text = yamlFile(body, ["visible", "hidden"], { extra: [`    ${rule}`] });
    expect(open(text)).toStrictEqual({ [clearKey]: "visible", [encryptedKey]: "hidden" });
    // The cleartext value is still under the MAC.
    return sopsError(() => open(text.replace("visible", "changed")), "mac-mismatch");
  });

  describe("mac_only_encrypted", () => {
    const body = `name: visible\ndata: ${enc("hidden", "str", "data:")}\n`;
    const meta = { macOnly: true, extra: ["    encrypted_regex: ^data$"] };

    test("the MAC covers only the encrypted values, after the sha256('sops') prefix", () => {
      const text = yamlFile(body, ["hidden"], meta);
      expect(open(text)).toStrictEqual({ name: "visible", data: "hidden" });
      expect(open(text.replace("visible", "changed"))).toStrictEqual({ name: "changed", data: "hidden" });
    });

    test("the prefix makes it differ from a plain MAC over the same values", async () => {
      const text = yamlFile(body, ["hidden"], { extra: meta.extra }).replace("    version:", "    mac_only_encrypted: true\n    version:");
      await sopsError(() => open(text), "mac-mismatch");
    });
  });
});

describe("metadata the decryptor refuses", () => {
  const body = `a: ${enc("x", "str", "a:")}\n`;
  test.each([
    [["    key_groups:", "        - age: []", "        - pgp: []"], "shamir-unsupported", "2 key groups"],
    [["    shamir_threshold: 2"], "shamir-unsupported", "threshold 2"],
    [["    encrypted_comment_regex: sops:enc"], "unsupported", "encrypted_comment_regex"],
    [["    encrypted_suffix: _s", "    encrypted_regex: ^a$"], "invalid-metadata", "only one of"],
    [["    encrypted_regex: ("], "invalid-metadata", "encrypted_regex"],
  ] as const)("%j -> %s", async (extra, code, text) => {
    const err = await sopsError(() => open(yamlFile(body, ["x"], { extra: [...extra] })), code);
    expect(err.detail).toContain(text);
  });

  test("a lastmodified that is not RFC 3339", async () => {
    const text = yamlFile(body, ["x"]).replace(LASTMODIFIED, "yesterday");
    await sopsError(() => open(text), "invalid-metadata");
  });
});

describe("documents", () => {
  test("a multi-document YAML file gives an array; the MAC spans all documents", async () => {
    const doc2 = `b: ${enc("y", "str", "b:")}\n`;
    const first = yamlFile(`a: ${enc("x", "str", "a:")}\n`, ["x", "y"]);
    const text = `${first}---\n${doc2}`;
    expect(open(text)).toStrictEqual([{ a: "x" }, { b: "y" }]);
    await sopsError(() => open(`${yamlFile(`a: ${enc("x", "str", "a:")}\n`, ["x"])}---\n${doc2}`), "mac-mismatch");
  });

  test("a nested key named sops is data, only the top-level one is metadata", () => {
    const body = `app:\n    sops: ${enc("x", "str", "app:sops:")}\n`;
    expect(open(yamlFile(body, ["x"]))).toStrictEqual({ app: { sops: "x" } });
  });
});

describe("dotenv escapes", () => {
  test('a literal "\\n" in a cleartext value is a newline, in the value and in the MAC (as in sops LoadPlainFile)', () => {
    const text = [
      `secret=${enc("s3", "str", "secret:")}`,
      "note_unencrypted=line1\\nline2",
      `sops_lastmodified=${LASTMODIFIED}`,
      // The MAC sops writes covers the unescaped text.
      `sops_mac=${mac(["s3", "line1\nline2"])}`,
      "sops_unencrypted_suffix=_unencrypted",
      "sops_version=3.10.2",
      "",
    ].join("\n");
    expect(decryptWithDataKey(text, "dotenv", KEY, "hand.env").document).toStrictEqual({ secret: "s3", note_unencrypted: "line1\nline2" });
  });
});

describe("malformed input is a parse-error that quotes no content", () => {
  test.each([
    ["YAML syntax", "yaml", "a: b\nkey: s3cret: value\n", /^YAML syntax error at line 2, column \d+ \([A-Z_]+\)$/],
    ["YAML duplicate key", "yaml", "a: s3cret\na: s3cret\n", /^YAML syntax error at line 2, column 1 \(DUPLICATE_KEY\)$/],
    ["JSON syntax", "json", '{\n  "a": "s3cret",\n  "b": s3cret\n}', /^JSON syntax error at line 3, column 8: unexpected character$/],
    ["JSON duplicate key", "json", '{"a": "s3cret", "a": 1}', /duplicate key$/],
    ["JSON array document", "json", '["s3cret"]', /^the JSON document must be an object$/],
    ["dotenv line without =", "dotenv", "a=1\ns3cret\n", /^dotenv line 2 is not KEY=VALUE$/],
  ] as const)("%s", async (_label, format, text, detail) => {
    const err = await sopsError(() => decryptText(text, format, { env: {}, fileName: "bad" }), "parse-error");
    expect(err.detail).toMatch(detail);
    expect(err.message).not.toContain("s3cret");
  });

  test("a YAML document that is a sequence", async () => {
    const text = `${yamlFile(`a: ${enc("x", "str", "a:")}\n`, ["x"])}---\n- s3cret\n`;
    const err = await sopsError(() => open(text), "parse-error");
    expect(err.detail).toBe("YAML documents must be maps; found a sequence");
  });
});

describe("YAML aliases", () => {
  test("are expanded, and each expansion counts in the MAC", () => {
    const body = `base: &b\n    x: 1\nother: *b\ndata: ${enc("hidden", "str", "data:")}\n`;
    const text = yamlFile(body, ["1", "1", "hidden"], { extra: ["    encrypted_regex: ^data$"] });
    expect(open(text)).toStrictEqual({ base: { x: 1 }, other: { x: 1 }, data: "hidden" });
  });

  test("an alias inside its own anchor is refused instead of recursing forever", async () => {
    const err = await sopsError(() => open(yamlFile("a: &x\n    b: *x\n", [])), "parse-error");
    expect(err.detail).toBe("YAML alias *x refers to itself");
  });

  test("exponential alias expansion is capped", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (const [prev, name] of [["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"]]) levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`);
    const err = await sopsError(() => open(yamlFile(`${levels.join("\n")}\n`, [])), "parse-error");
    expect(err.detail).toBe("too many YAML alias expansions");
  });
});
