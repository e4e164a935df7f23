/**
 * The encryptor (lib/sops/encrypt.ts) against the decryptor. The decryptor itself is proven on
 * real sops files elsewhere; these tests show the encryptor writes what it reads.
 */
import * as age from "age-encryption";
import fc from "fast-check";
import { isMap, isScalar, isSeq, parse, parseDocument, stringify, type Node as YamlNode } from "yaml";
import { decryptText, decryptWithDataKey } from "../../../lib/sops";
import { WRITTEN_SOPS_VERSION, encryptYaml } from "../../../lib/sops/encrypt";
import { decryptAgeArmored } from "../../../lib/sops/keys";
import { sopsError } from "./helpers";

let identity: string;
let recipient: string;
beforeAll(async () => {
  identity = await age.generateIdentity();
  recipient = await age.identityToRecipient(identity);
});

const decrypt = (text: string) => decryptText(text, "yaml", { env: { SOPS_AGE_KEY: identity } });

/** Every scalar value in the data part of an encrypted file, with its key path. */
function leaves(text: string): [string, unknown][] {
  const out: [string, unknown][] = [];
  const walk = (n: YamlNode | null, p: string): void => {
    if (isMap(n)) for (const pair of n.items) walk(pair.value as YamlNode, `${p}.${(pair.key as { value: string }).value}`);
    else if (isSeq(n)) n.items.forEach((i, k) => walk(i as YamlNode, `${p}[${k}]`));
    else if (isScalar(n)) out.push([p, n.value]);
  };
  const doc = parseDocument(text);
  doc.delete("sops");
  walk(doc.contents as YamlNode, "");
  return out;
}

const PLAIN = `# top comment
db:
  user: admin # trailing comment
  password: "hunter2"
  port: 5432
  ratio: 0.75
  tls: true
  # comment at the end of db
hosts:
  - name: a
    ip: 10.0.0.1
  # between items
  - name: b
    ip: 10.0.0.2
notes: |
  line one
  line two
empty: ""
nothing: null
public_unencrypted:
  url: https://example.org
"8080": port-keyed
unicodé: ✓
`;

describe("encryptYaml", () => {
  test("round trip: values, types and order come back; only cleartext leaves are readable", async () => {
    const text = await encryptYaml(PLAIN, { recipients: [recipient] });
    expect(await decrypt(text)).toStrictEqual(parse(PLAIN));
    const clear = leaves(text).filter(([, v]) => !(typeof v === "string" && v.startsWith("ENC[AES256_GCM,")));
    expect(clear).toStrictEqual([
      [".empty", ""],
      [".nothing", null],
      [".public_unencrypted.url", "https://example.org"],
    ]);
    expect(text).not.toContain("hunter2");
  });

  test("comments are encrypted in the file and decrypt back with their container's AAD", async () => {
    const text = await encryptYaml(PLAIN, { recipients: [recipient] });
    expect(text).not.toMatch(/top comment|trailing comment|end of db|between items/);
    const meta = parse(text).sops;
    const dataKey = await decryptAgeArmored(meta.age[0].enc, [identity]);
    const { comments } = decryptWithDataKey(text, "yaml", dataKey);
    expect(comments.map((c) => [c.aad, c.text])).toEqual(
      expect.arrayContaining([
        [":", " top comment"],
        ["db:", " trailing comment"],
        ["db:", " comment at the end of db"],
        ["hosts:", " between items"],
      ]),
    );
    expect(comments.every((c) => c.decrypted)).toBe(true);
  });

  test("writes sops 3.9-style metadata", async () => {
    const now = new Date("2025-02-03T04:05:06.789Z");
    const text = await encryptYaml("a: b\n", { recipients: [recipient], now });
    const meta = parse(text).sops;
    expect(Object.keys(meta)).toStrictEqual([
      "kms", "gcp_kms", "azure_kv", "hc_vault", "age", "lastmodified", "mac", "pgp", "unencrypted_suffix", "version",
    ]);
    expect(meta).toMatchObject({ lastmodified: "2025-02-03T04:05:06Z", unencrypted_suffix: "_unencrypted", version: WRITTEN_SOPS_VERSION });
    expect(meta.age).toStrictEqual([{ recipient, enc: expect.stringMatching(/^-----BEGIN AGE ENCRYPTED FILE-----\n[\s\S]+-----END AGE ENCRYPTED FILE-----\n$/) }]);
    expect(text).toContain('lastmodified: "2025-02-03T04:05:06Z"');
  });

  test("each recipient gets its own stanza, including a post-quantum one", async () => {
    const pq = await age.generateHybridIdentity();
    const text = await encryptYaml("a: b\n", { recipients: [recipient, await age.identityToRecipient(pq)] });
    expect(parse(text).sops.age).toHaveLength(2);
    await expect(decryptText(text, "yaml", { env: { SOPS_AGE_KEY: pq } })).resolves.toStrictEqual({ a: "b" });
    await expect(decrypt(text)).resolves.toStrictEqual({ a: "b" });
  });

  test("encrypted_regex and mac_only_encrypted are written and honoured", async () => {
    const plain = "kind: Secret\nstringData:\n  key: value\n";
    const text = await encryptYaml(plain, { recipients: [recipient], rules: { encryptedRegex: "^stringData$", macOnlyEncrypted: true } });
    expect(parse(text).sops).toMatchObject({ encrypted_regex: "^stringData$", mac_only_encrypted: true });
    expect(text).toContain("kind: Secret");
    // Cleartext outside the MAC may change; that is what mac_only_encrypted means.
    await expect(decrypt(text.replace("kind: Secret", "kind: ConfigMap"))).resolves.toStrictEqual({ kind: "ConfigMap", stringData: { key: "value" } });
  });

  test("refuses an already encrypted file and conflicting rules", async () => {
    const text = await encryptYaml("a: b\n", { recipients: [recipient] });
    await expect(encryptYaml(text, { recipients: [recipient] })).rejects.toThrow("already sops-encrypted");
    await expect(encryptYaml("a: b\n", { recipients: [recipient], rules: { encryptedRegex: "a", encryptedSuffix: "_x" } })).rejects.toThrow("only one");
  });

  test("a hand edit of an encrypted file is caught", async () => {
    const text = await encryptYaml("a: b\nc: d\n", { recipients: [recipient] });
    const lines = text.split("\n");
    [lines[0], lines[1]] = [lines[1]!.replace(/^c/, "a"), lines[0]!.replace(/^a/, "c")];
    await sopsError(() => decrypt(lines.join("\n")), "value-decrypt-failed");
  });

  test("property: any nested document of strings, ints, booleans and nulls survives", async () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(_unencrypted)?$/).filter((k) => k !== "sops");
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.dictionary(key, fc.oneof({ depthSize: "small" }, scalar, tie("tree"), fc.array(scalar, { maxLength: 3 })), { maxKeys: 4 }),
    }));
    await fc.assert(
      fc.asyncProperty(tree, async (doc) => {
        const text = await encryptYaml(stringify(doc), { recipients: [recipient] });
        expect(await decrypt(text)).toStrictEqual(parse(stringify(doc)) ?? {});
      }),
      { numRuns: 40 },
    );
  });
});
