/** The committed secrets/: demo key, .sops.yaml rule, and the two stacks' encrypted files. */
import fs from "node:fs";
import path from "node:path";
import * as age from "age-encryption";
import { parse } from "yaml";
import { decryptFile } from "../../../lib/sops";
import { ruleFor } from "../../../tools/sops/encrypt";
import { repoRoot } from "./helpers";

const demoKey = path.join(repoRoot, "secrets", "demo-age.key");
const stacks = ["home", "lab"] as const;
const sopsFile = (stack: string) => path.join(repoRoot, "secrets", `${stack}.sops.yaml`);
const decryptStack = (stack: string) => decryptFile(sopsFile(stack), { ageKeyFile: demoKey, env: {} }) as Promise<Record<string, Record<string, string>>>;

test("the demo key says loudly that it is public", () => {
  const [first] = fs.readFileSync(demoKey, "utf8").split("\n");
  expect(first).toMatch(/^# DEMO KEY ONLY — public in this repository, never use it for real secrets; see README 'Use your own age key'/);
});

test(".sops.yaml sends secrets/*.sops.yaml to the demo key's recipient", async () => {
  const identity = fs.readFileSync(demoKey, "utf8").split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-1"))!;
  const config = fs.readFileSync(path.join(repoRoot, ".sops.yaml"), "utf8");
  const rule = ruleFor(config, repoRoot, sopsFile("home"));
  expect(rule.recipients).toStrictEqual([await age.identityToRecipient(identity)]);
});

describe.each(stacks)("secrets/%s.sops.yaml", (stack) => {
  test("decrypts with the demo key to the expected shape", async () => {
    const doc = await decryptStack(stack);
    expect(Object.keys(doc)).toStrictEqual(["proxmox", "s3", "alertmanager", "grafana", "runners"]);
    expect(doc.proxmox).toStrictEqual({
      apiToken: expect.stringMatching(/^terraform@pve!pulumi=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    });
    expect(doc.s3).toStrictEqual({ accessKey: expect.stringMatching(/^[A-Z0-9]{20}$/), secretKey: expect.stringMatching(/^[A-Za-z0-9]{40}$/) });
    expect(doc.alertmanager).toStrictEqual({
      discordWebhookUrl: expect.stringMatching(/^https:\/\/discord\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,}$/),
    });
    expect(doc.grafana).toStrictEqual({ adminUser: "admin", adminPassword: expect.stringMatching(/^\S{16,}$/) });
    expect(doc.runners).toStrictEqual({ registrationToken: expect.stringMatching(/^[0-9a-f]{40}$/) });
  });

  test("holds no plaintext: every data value is an ENC string", () => {
    const { sops, ...data } = parse(fs.readFileSync(sopsFile(stack), "utf8"));
    expect(sops.mac).toMatch(/^ENC\[AES256_GCM,/);
    const values = Object.values(data as Record<string, Record<string, string>>).flatMap((m) => Object.values(m));
    expect(values).toHaveLength(7);
    for (const v of values) expect(v).toMatch(/^ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:str\]$/);
  });
});

test("the two stacks have different values", async () => {
  const [home, lab] = await Promise.all(stacks.map(decryptStack));
  for (const [section, fields] of Object.entries(home!)) {
    for (const [k, v] of Object.entries(fields)) if (k !== "adminUser") expect(lab![section]![k]).not.toBe(v);
  }
});

test("every data file in secrets/ is sops-encrypted (no plaintext left behind)", () => {
  const dataFiles = fs.readdirSync(path.join(repoRoot, "secrets")).filter((f) => /\.(ya?ml|json|env)$/.test(f));
  expect(dataFiles.sort()).toStrictEqual(["home.sops.yaml", "lab.sops.yaml"]);
  for (const f of dataFiles) expect(parse(fs.readFileSync(path.join(repoRoot, "secrets", f), "utf8")).sops.mac).toBeDefined();
});
