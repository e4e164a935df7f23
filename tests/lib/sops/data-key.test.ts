/**
 * The AES/MAC layer on the richer upstream files, whose keys are PGP: the README gives each
 * file's 32-byte data key (recovered with gpg from the published test keys), so the tree walk,
 * AADs, typed values, comments and the MAC are checked without the key layer.
 */
import { parse } from "yaml";
import { type SopsFormat, decryptWithDataKey } from "../../../lib/sops";
import { readVector, sopsError } from "./helpers";

/** Data keys as listed in shared/vectors/sops/README.txt. */
const DATA_KEYS: Record<string, string> = {
  "getsops-sops/example.yaml": "8c68886c50b5b72965a3cb99c5172e1d74a8aca27b39ee880b535d6907e59f68",
  "getsops-sops/example.json": "faf6a891866fac550ef548b4e5f6fbc98fccc6827cd943cc8d7539747f1d87bd",
  "getsops-sops/comments.enc.yaml": "61bec946f5783fd4cea3d1b1ce407fce2b6e81fc301cc539c422015e27f6d1be",
  "getsops-sops/format.enc.yaml": "af5e68dd342b72c6a0475f81a50da4fde898f4b7742c92cbcf1668211411f4e4",
  "getsops-sops/format.enc.json": "9f6aeda6383502c38f7dae6fbbb8cb6890582adb0335effa8952fe590d7a9596",
  "getsops-sops/format.enc.env": "322d9a97997823fb2bf42f55a6c26100cbaf0520cf88bb7ebee1cf47dd6d318d",
  "getsops-sops/multiple_keys.yaml": "1e1db61c6b93c001caa9ce34a9d68448eee8a3c69336697eab36bb92327ce786",
  "getsops-sops/no_mac.yaml": "87f9ee7ab041cfd1946fb50e6166b29858fcb4224ae3816186a129248558461f",
  "sops-nix/secrets.json": "f7820264ffb2476c375f41af3f6fc4b6ed53775ee4338a73dbfd09f0c15c3b80",
  "sops-nix/secrets.env": "d47a66aa0fc88f3a593ea2640ff1f7608f80e134bb40ed668555c936f1dd8e19",
  "sops-nix/secrets.bin": "76b56cbf2679698e51d455d051e8a270b0ca75bbaca9fc16c5c47c17d767346a",
  "helm-secrets/secrets.yaml": "dad2f42ac0d656d738bfd6dbd0b5d48f350082a255f9b610ed9c52b4dc748129",
  "fluxcd-kustomize-controller/algorithms_pgp.yaml": "472b5e68ce8212f116283588b74be542f0e38353e16126654737e6858b961e5a",
  "humphd-sops-age/secret.enc.yaml": "81d247290bee0b25484e76101e727f63fc984896953fe4888864f49db529e73a",
  "humphd-sops-age/secret.enc.env": "34d808b56651590dd622a2982a2b71faced94571cbdfd4933d939db8e5350fc3",
  "sops-nix/secrets.yaml": "b9152942b7105527fd1fb9e2d9a1ee9bd03a7bb8edea26d311fda1a2e85056b2",
};

const FORMATS: Record<string, SopsFormat> = { yaml: "yaml", json: "json", env: "dotenv", bin: "binary" };

function withKey(file: string, key = DATA_KEYS[file]!) {
  const format = FORMATS[file.split(".").pop()!]!;
  return decryptWithDataKey(readVector(file), format, Buffer.from(key, "hex"), file);
}

describe("decrypting with the README's data keys", () => {
  test.each([
    ["getsops-sops/format.enc.yaml", { foo: "bar" }],
    ["getsops-sops/format.enc.json", { foo: "bar" }],
    // dotenv splits at the first "=" and trims nothing.
    ["getsops-sops/format.enc.env", { "foo ": " bar" }],
    ["getsops-sops/multiple_keys.yaml", { message: "hello" }],
    ["sops-nix/secrets.json", { test_key: "test_value" }],
    ["sops-nix/secrets.bin", { data: "binary_value\n" }],
    [
      "sops-nix/secrets.env",
      {
        hello: "Welcome to SOPS! Edit this file as you please!",
        example_key: "example_value",
        example_multiline: "foo\nbar\nbaz",
        never_gonna: "give you up",
      },
    ],
    [
      "fluxcd-kustomize-controller/algorithms_pgp.yaml",
      { apiVersion: "v1", kind: "Secret", metadata: { name: "pgp" }, stringData: { key: "value" } },
    ],
    ["humphd-sops-age/secret.enc.env", { secret: "this is a secret", another_secret: "7" }],
    ["sops-nix/secrets.yaml", { test_key: "test_value", a_list: ["e1", "e3"], nested: { test: { file: "another value" } } }],
  ])("%s", (file, expected) => {
    expect(withKey(file).document).toStrictEqual(expected);
  });

  test("helm-secrets secrets.yaml equals upstream's plaintext twin secrets.dec.yaml", () => {
    const twin = parse(readVector("helm-secrets/secrets.dec.yaml"));
    expect(withKey("helm-secrets/secrets.yaml").document).toStrictEqual(twin);
    expect(twin.service.port).toBe(81);
  });

  test("example.yaml: floats, Titlecase bools, _unencrypted keys, nested maps, comments", () => {
    const { document, comments } = withKey("getsops-sops/example.yaml");
    const doc = document as Record<string, any>;
    expect(Object.keys(doc)).toStrictEqual([
      "myapp1", "app2", "number", "an_array", "somebooleans", "this", "somelist_unencrypted", "nested_unencrypted",
    ]);
    expect(doc.myapp1).toBe("t00m4nys3cr3tzupdated");
    expect(doc.app2.db).toStrictEqual({ user: "eve", password: "c4r1b0u" });
    expect(doc.app2.key.startsWith("-----BEGIN RSA PRIVATE KEY-----\n")).toBe(true);
    expect(doc.number).toBe(1234568000); // stored type:float, plaintext "1234568000"
    expect(doc.an_array).toHaveLength(4);
    expect(doc.somebooleans).toStrictEqual([true, false]);
    expect(doc.this.is.a.nested.value).toBe("with something secret in it");
    expect(doc.somelist_unencrypted).toStrictEqual([
      "all elements of this list",
      "remain in clear text",
      "because of the _unencrypted suffix in the key",
    ]);
    expect(doc.nested_unencrypted).toStrictEqual({ this: { is: { all: "going to remain in clear text" } } });
    // The comment under app2.db is encrypted with the AAD of the map holding it.
    expect(comments.find((c) => c.aad === "app2:db:")).toMatchObject({ decrypted: true });
    expect(comments.length).toBeGreaterThan(1);
    expect(comments.every((c) => c.decrypted)).toBe(true);
  });

  test("example.json: list of maps, float, and an empty string left unencrypted", () => {
    const doc = withKey("getsops-sops/example.json").document as Record<string, any>;
    expect(doc).toMatchObject({ firstName: "John", lastName: "Smith", age: 25.4, anEmptyValue: "" });
    expect(doc.phoneNumbers[0]).toStrictEqual({ number: "212 555-1234", type: "home" });
    expect(doc.phoneNumbers).toHaveLength(2);
    expect(Object.keys(doc)).toStrictEqual(["firstName", "lastName", "age", "address", "phoneNumbers", "anEmptyValue"]);
  });

  test("comments.enc.yaml: values equal the twin, top-level comments decrypt with AAD ':'", () => {
    const { document, comments } = withKey("getsops-sops/comments.enc.yaml");
    expect(document).toStrictEqual(parse(readVector("getsops-sops/comments.yaml")));
    expect(comments).toStrictEqual([
      { aad: ":", text: " first comment in file", decrypted: true },
      { aad: ":", text: " this-is-a-comment", decrypted: true },
    ]);
  });

  test("the dotenv comment line is decrypted at the top level", () => {
    const { comments } = withKey("sops-nix/secrets.env");
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ aad: ":", decrypted: true });
  });

  test("no_mac.yaml is refused even with the right data key", async () => {
    await sopsError(() => withKey("getsops-sops/no_mac.yaml"), "no-mac");
  });

  test("a wrong data key fails on the first value and names its path", async () => {
    const wrong = DATA_KEYS["getsops-sops/format.enc.yaml"]!;
    const err = await sopsError(() => withKey("getsops-sops/example.yaml", wrong), "value-decrypt-failed");
    expect(err.detail).toContain("myapp1");
    expect(err.detail).not.toContain("t00m4nys3cr3tzupdated");
  });
});
