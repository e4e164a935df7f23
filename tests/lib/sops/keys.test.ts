/**
 * Where age identities come from, and what happens when none fits. Every test injects its own
 * env and temp dirs: the real HOME and SOPS_AGE_* of the machine are never read.
 */
import fs from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { decryptText } from "../../../lib/sops";
import { decryptAgeArmored, discoverIdentities } from "../../../lib/sops/keys";
import { identityIn, readVector, sopsError, tempDir } from "./helpers";

const nixKey = () => identityIn("sops-nix/age-keys.txt"); // matches sops-nix/secrets.yaml
const otherKey = () => identityIn("humphd-sops-age/key.txt"); // matches nothing in that file
const nixFile = () => readVector("sops-nix/secrets.yaml");
const expected = { test_key: "test_value", a_list: ["e1", "e3"], nested: { test: { file: "another value" } } };

function keyFile(dir: string, rel: string, ...identities: string[]): string {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, `# created: test\n# public key: not checked\n${identities.join("\n")}\n`);
  return p;
}

function decryptNix(env: NodeJS.ProcessEnv, extra: { ageKeyFile?: string; ageKeyFileHint?: string; platform?: NodeJS.Platform } = {}) {
  return decryptText(nixFile(), "yaml", { env, fileName: "nix.yaml", ...extra });
}

describe("each identity source works on its own", () => {
  test("SOPS_AGE_KEY, with several keys per line and per value", async () => {
    const env = { SOPS_AGE_KEY: `${otherKey()} ${otherKey()}\n# a comment\n${nixKey()}\n` };
    await expect(decryptNix(env)).resolves.toStrictEqual(expected);
  });

  test("SOPS_AGE_KEY_FILE", async () => {
    const env = { SOPS_AGE_KEY_FILE: keyFile(tempDir(), "keys.txt", nixKey()) };
    await expect(decryptNix(env)).resolves.toStrictEqual(expected);
  });

  test("the caller's key file (stack config), relative paths resolved from the cwd", async () => {
    const abs = keyFile(tempDir(), "k.txt", nixKey());
    await expect(decryptNix({}, { ageKeyFile: path.relative(process.cwd(), abs) })).resolves.toStrictEqual(expected);
  });

  test("$XDG_CONFIG_HOME/sops/age/keys.txt", async () => {
    const xdg = tempDir();
    keyFile(xdg, "sops/age/keys.txt", nixKey());
    await expect(decryptNix({ XDG_CONFIG_HOME: xdg }, { platform: "linux" })).resolves.toStrictEqual(expected);
  });

  test("~/.config/sops/age/keys.txt on Linux and ~/Library/Application Support on macOS", async () => {
    const linuxHome = tempDir();
    keyFile(linuxHome, ".config/sops/age/keys.txt", nixKey());
    await expect(decryptNix({ HOME: linuxHome }, { platform: "linux" })).resolves.toStrictEqual(expected);
    const macHome = tempDir();
    keyFile(macHome, "Library/Application Support/sops/age/keys.txt", nixKey());
    await expect(decryptNix({ HOME: macHome }, { platform: "darwin" })).resolves.toStrictEqual(expected);
  });
});

describe("discovery order and merging", () => {
  test("sources are listed in sops' order and all are merged", () => {
    const dir = tempDir();
    const envFile = keyFile(dir, "env-keys.txt", otherKey());
    const callerFile = keyFile(dir, "caller.txt", nixKey(), otherKey());
    keyFile(dir, "xdg/sops/age/keys.txt", nixKey());
    const found = discoverIdentities(
      { env: { SOPS_AGE_KEY: `${otherKey()}\n${nixKey()}`, SOPS_AGE_KEY_FILE: envFile, XDG_CONFIG_HOME: path.join(dir, "xdg") }, ageKeyFile: callerFile },
      "f",
    );
    expect(found.sources.map((s) => [s.label, s.identities.length])).toStrictEqual([
      ["SOPS_AGE_KEY", 2],
      [`SOPS_AGE_KEY_FILE (${envFile})`, 1],
      [`key file (${callerFile})`, 2],
      [`default key file (${path.join(dir, "xdg/sops/age/keys.txt")})`, 1],
    ]);
  });

  test("a wrong key in an earlier source does not hide a right one in a later source", async () => {
    const env = { SOPS_AGE_KEY: otherKey(), SOPS_AGE_KEY_FILE: keyFile(tempDir(), "k.txt", nixKey()) };
    await expect(decryptNix(env)).resolves.toStrictEqual(expected);
  });

  test("XDG_CONFIG_HOME replaces the HOME default rather than adding to it", async () => {
    const dir = tempDir();
    keyFile(dir, "xdg/sops/age/keys.txt", otherKey());
    keyFile(dir, "home/.config/sops/age/keys.txt", nixKey());
    await sopsError(() => decryptNix({ XDG_CONFIG_HOME: path.join(dir, "xdg"), HOME: path.join(dir, "home") }, { platform: "linux" }), "no-matching-identity");
  });

  test("an injected env without HOME looks nowhere else (never the real home)", async () => {
    expect(discoverIdentities({ env: {} }, "f")).toStrictEqual({ sources: [], searched: [] });
    const err = await sopsError(() => decryptNix({}), "no-identities");
    expect(err.detail).toContain("SOPS_AGE_KEY_FILE");
    expect(err.message.startsWith("nix.yaml: ")).toBe(true);
  });

  test("the caller says how its users name a key file; without a hint no caller's option is named", async () => {
    const hinted = await sopsError(() => decryptNix({}, { ageKeyFileHint: "pass --age-key-file <path>" }), "no-identities");
    expect(hinted.detail).toContain("set SOPS_AGE_KEY or SOPS_AGE_KEY_FILE, or pass --age-key-file <path>");
    const plain = await sopsError(() => decryptNix({}), "no-identities");
    expect(plain.detail).not.toMatch(/--age-key-file|secrets\.ageKeyFile/);
  });

  test("a missing default key file is skipped, but listed when nothing is found", async () => {
    const home = tempDir();
    const err = await sopsError(() => decryptNix({ HOME: home }, { platform: "linux" }), "no-identities");
    expect(err.detail).toContain(path.join(home, ".config/sops/age/keys.txt"));
  });
});

describe("identity errors never show a key", () => {
  test("no identity matches: counts and sources are named, keys are not", async () => {
    const file = keyFile(tempDir(), "wrong.txt", otherKey());
    const err = await sopsError(() => decryptNix({}, { ageKeyFile: file }), "no-matching-identity");
    expect(err.detail).toContain("1 age identity");
    expect(err.detail).toContain(file);
    expect(err.detail).toContain("2 age recipient(s)");
    expect(err.detail).toContain("age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw"); // public, helps debugging
    expect(err.message).not.toContain(otherKey());
  });

  test("a post-quantum file does not open with a classic X25519 identity", async () => {
    const text = readVector("fluxcd-kustomize-controller/algorithms_age-pq.yaml");
    const env = { SOPS_AGE_KEY: identityIn("fluxcd-kustomize-controller/keys_age.txt") };
    const err = await sopsError(() => decryptText(text, "yaml", { env }), "no-matching-identity");
    expect(err.detail).toContain("age1pq1"); // shortened, the full recipient is ~2000 characters
    expect(err.detail.length).toBeLessThan(400);
  });

  test("a corrupted identity is rejected without echoing it", async () => {
    const bad = nixKey().slice(0, -1) + (nixKey().endsWith("6") ? "7" : "6");
    const err = await sopsError(() => decryptNix({ SOPS_AGE_KEY: `\n${bad}` }), "invalid-identity");
    expect(err.detail).toContain("SOPS_AGE_KEY, line 2");
    expect(err.message).not.toContain(bad.slice(16, 40));
  });

  test("a line that is not an identity is rejected without echoing it", async () => {
    const file = keyFile(tempDir(), "typo.txt", "AGE-SECRET-KEY1NOTAKEYBUTCLOSE");
    const err = await sopsError(() => decryptNix({}, { ageKeyFile: file }), "invalid-identity");
    expect(err.detail).toContain("line 3");
    expect(err.message).not.toContain("NOTAKEYBUTCLOSE");
  });

  test("an explicitly named key file that cannot be read is an error, not a silent skip", async () => {
    const missing = path.join(tempDir(), "nope.txt");
    const err = await sopsError(() => decryptNix({ SOPS_AGE_KEY_FILE: missing, SOPS_AGE_KEY: nixKey() }), "identity-file-unreadable");
    expect(err.detail).toContain(missing);
    expect(err.detail).toContain("ENOENT");
  });

  test("an age entry that is not age armor is reported when nothing matches", async () => {
    const doc = parseDocument(nixFile());
    doc.setIn(["sops", "age", 1, "enc"], "-----BEGIN AGE ENCRYPTED FILE-----\nbroken\n-----END AGE ENCRYPTED FILE-----\n");
    const err = await sopsError(() => decryptText(doc.toString(), "yaml", { env: { SOPS_AGE_KEY: otherKey() } }), "no-matching-identity");
    expect(err.detail).toContain("1 of the file's age entries could not be read");
  });
});

describe("the age layer", () => {
  test("sops' own mock vector: an armored age file whose plaintext is 'data'", async () => {
    const armored = readVector("getsops-sops/age-mock-encrypted-key.txt");
    const plain = await decryptAgeArmored(armored, [identityIn("getsops-sops/age-mock-identity.txt")]);
    expect(Buffer.from(plain).toString()).toBe("data");
  });

  test("a wrapped key that is not 32 bytes is refused (a Shamir share would be 33)", async () => {
    const doc = parseDocument(nixFile());
    doc.setIn(["sops", "age", 0, "enc"], readVector("getsops-sops/age-mock-encrypted-key.txt"));
    const env = { SOPS_AGE_KEY: identityIn("getsops-sops/age-mock-identity.txt") };
    const err = await sopsError(() => decryptText(doc.toString(), "yaml", { env }), "invalid-data-key");
    expect(err.detail).toContain("4-byte");
  });
});
