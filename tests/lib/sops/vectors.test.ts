/**
 * Real files written by the sops binary (shared/vectors/sops, see its README.txt) decrypted end
 * to end with their published age keys. Expected plaintexts are upstream's, as the README
 * documents them (or upstream's own plaintext twin files).
 */
import fs from "node:fs";
import path from "node:path";
import { decryptFile } from "../../../lib/sops";
import { readVector, sopsError, tempDir, vector } from "./helpers";

// An empty env: no SOPS_AGE_KEY*, no HOME, so only the key file passed in is used.
const noEnv = {};

const helmKey =
  "-----BEGIN PGP MESSAGE-----\n\nwcFMAxYpv4YXKfBAARAAVzE7/FMD7+UWwMls23zKKLoTs+5w9GMvugn0wi5KOJ8P\n";

describe("age vectors decrypt to the plaintext documented upstream", () => {
  const cases: [file: string, key: string, expected: unknown][] = [
    [
      "humphd-sops-age/secret.enc.yaml",
      "humphd-sops-age/key.txt",
      {
        secret: "this is a secret",
        string: "string",
        int: 7,
        float: 3.14,
        boolean: true,
        complex: { value: "this is a secret", array: ["one", "two", "three"] },
      },
    ],
    // The JSON twin is upstream's plaintext for this file (README: "plaintext twin").
    ["humphd-sops-age/secret.enc.json", "humphd-sops-age/key.txt", JSON.parse(readVector("humphd-sops-age/secret.json"))],
    ["humphd-sops-age/secret.enc.env", "humphd-sops-age/key.txt", { secret: "this is a secret", another_secret: "7" }],
    [
      "sops-nix/secrets.yaml",
      "sops-nix/age-keys.txt",
      { test_key: "test_value", a_list: ["e1", "e3"], nested: { test: { file: "another value" } } },
    ],
    [
      "fluxcd-kustomize-controller/algorithms_age.yaml",
      "fluxcd-kustomize-controller/keys_age.txt",
      { apiVersion: "v1", kind: "Secret", metadata: { name: "age" }, stringData: { key: "value" } },
    ],
    [
      "fluxcd-kustomize-controller/patches_merge1.yaml",
      "fluxcd-kustomize-controller/keys_age.txt",
      { apiVersion: "v1", kind: "Secret", metadata: { name: "secret" }, stringData: { key: "merge1" } },
    ],
    [
      "fluxcd-kustomize-controller/global_secret.yaml",
      "fluxcd-kustomize-controller/keys_age-global.txt",
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "global-age-secret", namespace: "default" },
        type: "Opaque",
        stringData: { key: "global-value" },
      },
    ],
    // Post-quantum (ML-KEM-768 hybrid) recipient and AGE-SECRET-KEY-PQ-1 identity.
    [
      "fluxcd-kustomize-controller/algorithms_age-pq.yaml",
      "fluxcd-kustomize-controller/keys_age-pq.txt",
      { apiVersion: "v1", kind: "Secret", metadata: { name: "age-pq" }, stringData: { key: "value" } },
    ],
    ["fluxcd-kustomize-controller/envs_env.env", "fluxcd-kustomize-controller/keys_age.txt", { key: "value" }],
    // Binary store: a JSON envelope with a single "data" key.
    ["fluxcd-kustomize-controller/files_file.txt", "fluxcd-kustomize-controller/keys_age.txt", { data: "value" }],
  ];

  test.each(cases)("%s", async (file, key, expected) => {
    await expect(decryptFile(vector(file), { ageKeyFile: vector(key), env: noEnv })).resolves.toStrictEqual(expected);
  });

  test("helm-secrets secrets.age.yaml: multi-line string and a type:int", async () => {
    const doc = (await decryptFile(vector("helm-secrets/secrets.age.yaml"), {
      ageKeyFile: vector("helm-secrets/age-key.txt"),
      env: noEnv,
    })) as { global_secret: string; key: string; service: { port: number } };
    expect(doc.global_secret).toBe("global_age");
    expect(doc.service).toStrictEqual({ port: 92 });
    expect(doc.key.startsWith(helmKey)).toBe(true);
    expect(doc.key.endsWith("=jf7D\n-----END PGP MESSAGE-----")).toBe(true);
  });

  test("JSON keys stay in file order, including the digit-led key", async () => {
    const doc = await decryptFile(vector("humphd-sops-age/secret.enc.json"), {
      ageKeyFile: vector("humphd-sops-age/key.txt"),
      env: noEnv,
    });
    expect(Object.keys(doc as object)).toStrictEqual(["secret", "string", "int", "float", "boolean", "0word", "complex"]);
  });
});

describe("files without a usable age recipient or metadata", () => {
  const key = { ageKeyFile: vector("sops-nix/age-keys.txt"), env: noEnv };

  test.each([
    "getsops-sops/format.enc.yaml",
    "getsops-sops/format.enc.json",
    "getsops-sops/format.enc.env",
    "getsops-sops/multiple_keys.yaml",
    "getsops-sops/comments.enc.yaml",
    "getsops-sops/example.yaml",
    "getsops-sops/example.json",
    "sops-nix/secrets.json",
    "sops-nix/secrets.env",
    "sops-nix/secrets.bin",
    "helm-secrets/secrets.yaml",
    "fluxcd-kustomize-controller/algorithms_pgp.yaml",
  ])("PGP-only %s gives no-age-recipient", async (file) => {
    const err = await sopsError(() => decryptFile(vector(file), key), "no-age-recipient");
    expect(err.message).toContain(vector(file));
    expect(err.detail).toContain("only pgp recipients");
  });

  test("the key types named are the ones present", async () => {
    const text = readVector("getsops-sops/format.enc.yaml").replace("sops:\n", "sops:\n    kms:\n        - arn: arn:aws:kms:eu-west-1:1:key/x\n          enc: Zm9v\n");
    const file = path.join(tempDir(), "kms-and-pgp.yaml");
    fs.writeFileSync(file, text);
    const err = await sopsError(() => decryptFile(file, key), "no-age-recipient");
    expect(err.detail).toContain("only pgp, kms recipients");
  });

  test("no_mac.yaml is refused with no-mac", async () => {
    const err = await sopsError(() => decryptFile(vector("getsops-sops/no_mac.yaml"), key), "no-mac");
    expect(err.message).toContain("no_mac.yaml");
  });

  test("a plain YAML file has no sops metadata", async () => {
    await sopsError(() => decryptFile(vector("getsops-sops/plainfile.yaml"), key), "no-metadata");
  });
});
