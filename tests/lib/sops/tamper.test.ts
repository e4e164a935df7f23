/**
 * Edits an attacker (or a careless hand edit) could make to a real sops file, and the error
 * each must give. AES-GCM binds each value to its key path; the MAC binds the values, their
 * order and the cleartext leaves.
 */
import { type SopsFormat, decryptText, decryptWithDataKey } from "../../../lib/sops";
import { readVector, sopsError, vector } from "./helpers";

const flux = () => readVector("fluxcd-kustomize-controller/algorithms_age.yaml");
const nix = () => readVector("sops-nix/secrets.yaml");
const fluxKey = { ageKeyFile: vector("fluxcd-kustomize-controller/keys_age.txt"), env: {}, fileName: "flux.yaml" };
const nixKey = { ageKeyFile: vector("sops-nix/age-keys.txt"), env: {}, fileName: "nix.yaml" };

function replaceOnce(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`test setup: ${String(from)} not found`);
  return out;
}

/** Flips one bit of the first ciphertext byte of the ENC value following `key: `. */
function flipCiphertextBit(text: string, key: string): string {
  const m = new RegExp(`${key}: ENC\\[AES256_GCM,data:([^,]+)`).exec(text);
  if (!m) throw new Error(`test setup: no encrypted ${key}`);
  const bytes = Buffer.from(m[1]!, "base64");
  bytes[0]! ^= 0x01;
  return replaceOnce(text, `data:${m[1]},`, `data:${bytes.toString("base64")},`);
}

test("the untouched files decrypt (baseline for every edit below)", async () => {
  await expect(decryptText(flux(), "yaml", fluxKey)).resolves.toMatchObject({ metadata: { name: "age" } });
  await expect(decryptText(nix(), "yaml", nixKey)).resolves.toMatchObject({ a_list: ["e1", "e3"] });
});

test("editing a cleartext value outside encrypted_regex (metadata.name) fails the MAC", async () => {
  const edited = replaceOnce(flux(), "  name: age\n", "  name: age2\n");
  const err = await sopsError(() => decryptText(edited, "yaml", fluxKey), "mac-mismatch");
  expect(err.message).toBe("flux.yaml: " + err.detail);
  expect(err.detail).toContain("MAC mismatch");
});

test("swapping two list items passes AES-GCM (same AAD) but fails the MAC", async () => {
  const lines = nix().split("\n");
  const i = lines.indexOf("a_list:");
  [lines[i + 1], lines[i + 2]] = [lines[i + 2]!, lines[i + 1]!];
  await sopsError(() => decryptText(lines.join("\n"), "yaml", nixKey), "mac-mismatch");
});

test("dropping a list item fails the MAC", async () => {
  const lines = nix().split("\n");
  lines.splice(lines.indexOf("a_list:") + 2, 1);
  await sopsError(() => decryptText(lines.join("\n"), "yaml", nixKey), "mac-mismatch");
});

test("flipping a ciphertext bit fails that value's GCM tag: value-decrypt-failed naming the path", async () => {
  const err = await sopsError(() => decryptText(flipCiphertextBit(nix(), "file"), "yaml", nixKey), "value-decrypt-failed");
  expect(err.detail).toContain("nested.test.file");
  expect(err.detail).not.toContain("another value");
});

test("moving an encrypted value under another key fails: the key path is the AAD", async () => {
  const text = flux();
  const enc = /key: (ENC\[[^\]]+\])/.exec(text)![1]!;
  const moved = replaceOnce(text, "  name: age\n", `  name: ${enc}\n`).replace("encrypted_regex: ^(data|stringData)$", "encrypted_regex: ^(data|stringData|metadata)$");
  const err = await sopsError(() => decryptText(moved, "yaml", fluxKey), "value-decrypt-failed");
  expect(err.detail).toContain("metadata.name");
});

test("renaming a key breaks its value's AAD", async () => {
  const renamed = replaceOnce(nix(), "test_key:", "test_key2:");
  const err = await sopsError(() => decryptText(renamed, "yaml", nixKey), "value-decrypt-failed");
  expect(err.detail).toContain("test_key2");
});

test("replacing an encrypted value with plaintext is refused, not passed through", async () => {
  const swapped = replaceOnce(nix(), /test_key: ENC\[[^\]]+\]/, "test_key: attacker-chosen");
  const err = await sopsError(() => decryptText(swapped, "yaml", nixKey), "value-decrypt-failed");
  expect(err.detail).toContain("test_key");
  expect(err.detail).not.toContain("attacker-chosen");
});

test("a non-string value where an encrypted one belongs is refused", async () => {
  const swapped = replaceOnce(nix(), /test_key: ENC\[[^\]]+\]/, "test_key: 42");
  const err = await sopsError(() => decryptText(swapped, "yaml", nixKey), "value-decrypt-failed");
  expect(err.detail).toContain("plain int");
});

test("changing lastmodified (the MAC's AAD) fails the MAC check", async () => {
  const edited = replaceOnce(nix(), 'lastmodified: "2021-09-30T19:49:41Z"', 'lastmodified: "2021-09-30T19:49:42Z"');
  const err = await sopsError(() => decryptText(edited, "yaml", nixKey), "mac-mismatch");
  expect(err.detail).toContain("stored MAC cannot be decrypted");
});

test("a cleartext _unencrypted value is covered by the MAC too", async () => {
  const key = Buffer.from("8c68886c50b5b72965a3cb99c5172e1d74a8aca27b39ee880b535d6907e59f68", "hex");
  const text = replaceOnce(readVector("getsops-sops/example.yaml"), "- remain in clear text", "- remain in clear text!");
  await sopsError(() => decryptWithDataKey(text, "yaml" as SopsFormat, key, "example.yaml"), "mac-mismatch");
});

test("reordering the age entries does not matter: metadata is outside the MAC", async () => {
  // The published key's entry moves second, so the walk must try every stanza.
  const text = nix();
  const start = text.indexOf("        - recipient: age1yt3");
  const second = text.indexOf("        - recipient: age1a8pk");
  const end = text.indexOf("    lastmodified:");
  const reordered = text.slice(0, start) + text.slice(second, end) + text.slice(start, second) + text.slice(end);
  expect(reordered.indexOf("age1a8pk")).toBeLessThan(reordered.indexOf("age1yt3"));
  await expect(decryptText(reordered, "yaml", nixKey)).resolves.toMatchObject({ test_key: "test_value" });
});

test("a tampered encrypted comment is tolerated, as in sops: comments are outside the MAC", async () => {
  const key = Buffer.from("61bec946f5783fd4cea3d1b1ce407fce2b6e81fc301cc539c422015e27f6d1be", "hex");
  const text = replaceOnce(readVector("getsops-sops/comments.enc.yaml"), "#ENC[AES256_GCM,data:I", "#ENC[AES256_GCM,data:J");
  const { document, comments } = decryptWithDataKey(text, "yaml", key, "comments.enc.yaml");
  expect(document).toStrictEqual({ lorem: "ipsum", dolor: "sit" });
  expect(comments.map((c) => c.decrypted)).toStrictEqual([false, true]);
});
