/** tools/sops/encrypt.ts: .sops.yaml lookup and creation-rule matching, then one full run. */
import fs from "node:fs";
import path from "node:path";
import * as age from "age-encryption";
import { decryptFile } from "../../../lib/sops";
import { main } from "../../../tools/sops/cli";
import { findConfig, ruleFor } from "../../../tools/sops/encrypt";
import { tempDir } from "../../lib/sops/helpers";

const CONFIG = `
creation_rules:
  - path_regex: (inside|pgp)\\.yaml$
    pgp: 35C1A64CD7FC0AB6EB66756B2445463C3234ECE1
  - path_regex: ^secrets/.*\\.sops\\.yaml$
    encrypted_regex: ^(data|stringData)$
    age: age1aaa, age1bbb
  - path_regex: \\.yaml$
    key_groups:
      - age:
          - age1ccc
`;

describe("ruleFor", () => {
  test("the first rule whose path_regex matches the path relative to the config wins", () => {
    expect(ruleFor(CONFIG, "/repo", "/repo/secrets/home.sops.yaml")).toMatchObject({
      recipients: ["age1aaa", "age1bbb"],
      rules: { encryptedRegex: "^(data|stringData)$", macOnlyEncrypted: false },
    });
    // Outside secrets/ the anchored rule does not match and the single key group applies.
    expect(ruleFor(CONFIG, "/repo", "/repo/other/home.sops.yaml").recipients).toStrictEqual(["age1ccc"]);
  });

  test("non-age rules, several key groups and unmatched paths are errors", () => {
    expect(() => ruleFor(CONFIG, "/repo", "/repo/x/pgp.yaml")).toThrow("only encrypts to age");
    expect(() => ruleFor(CONFIG, "/repo", "/repo/a.json")).toThrow("no creation rule");
    const shamir = "creation_rules:\n  - key_groups:\n      - age: [age1a]\n      - age: [age1b]\n";
    expect(() => ruleFor(shamir, "/repo", "/repo/a.yaml")).toThrow("Shamir");
  });

  test("stores.yaml.indent is honoured", () => {
    expect(ruleFor("stores:\n  yaml:\n    indent: 2\ncreation_rules:\n  - age: age1x\n", "/r", "/r/a.yaml").indent).toBe(2);
  });
});

test("findConfig walks up from the output's folder", () => {
  const root = tempDir();
  fs.mkdirSync(path.join(root, "a/b"), { recursive: true });
  fs.writeFileSync(path.join(root, ".sops.yaml"), "creation_rules: []\n");
  expect(findConfig(path.join(root, "a/b"))).toBe(path.join(root, ".sops.yaml"));
});

describe("sops encrypt", () => {
  let errs: string[];
  beforeEach(() => {
    errs = [];
    jest.spyOn(process.stderr, "write").mockImplementation((s) => (errs.push(String(s)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  test("encrypts plaintext to the matching rule's recipients", async () => {
    const root = tempDir();
    const identity = await age.generateIdentity();
    fs.writeFileSync(path.join(root, ".sops.yaml"), `creation_rules:\n  - path_regex: secrets/.*\\.sops\\.yaml$\n    age: ${await age.identityToRecipient(identity)}\n`);
    fs.mkdirSync(path.join(root, "secrets"));
    const plain = path.join(root, "plain.yaml");
    const out = path.join(root, "secrets", "x.sops.yaml");
    fs.writeFileSync(plain, "grafana:\n  adminPassword: s3cret\n");
    expect(await main(["encrypt", plain, out])).toBe(0);
    expect(fs.readFileSync(out, "utf8")).not.toContain("s3cret");
    await expect(decryptFile(out, { env: { SOPS_AGE_KEY: identity } })).resolves.toStrictEqual({ grafana: { adminPassword: "s3cret" } });
    expect(errs.join("")).toContain("for 1 age recipient(s)");
  });

  test("usage errors exit 2, failures exit 1 with one line", async () => {
    expect(await main(["encrypt", "only-one.yaml"])).toBe(2);
    const root = tempDir();
    fs.writeFileSync(path.join(root, "p.yaml"), "a: b\n");
    expect(await main(["encrypt", path.join(root, "p.yaml"), path.join(root, "p.yaml")])).toBe(1);
    expect(errs.at(-1)).toBe("sops: refusing to overwrite the plaintext in place\n");
  });
});
