/**
 * The secrets half of the config loader: a SOPS file that cannot be read, cannot be opened with
 * the identities at hand, or does not hold what the program needs gives one `config error:` line
 * per problem, naming the config key or document key to fix and never a value. In-process through
 * `loadSecrets`, then end to end through `npm run plan` on the real program.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as age from "age-encryption";
import * as YAML from "yaml";
import { isConfigError } from "../../config/errors";
import { loadSecrets } from "../../config/load";
import { encryptYaml } from "../../lib/sops/encrypt";
import { runPlanCli, type PlanCliRun } from "../helpers/plan-cli";
import { stackFileConfig } from "../helpers/stack-config";

const repoRoot = path.resolve(__dirname, "../..");

/** A document that satisfies the schema; every value distinctive enough to search output for. */
const goodDocument = {
  proxmox: { apiToken: "pulumi@pve!plan=3f0c2a5e-leak-check-proxmox" },
  s3: { accessKey: "LEAKCHECKACCESSKEY01", secretKey: "leak-check-s3-secret-key-0123456789" },
  alertmanager: { discordWebhookUrl: "https://discord.com/api/webhooks/123456789012345678/leak-check-webhook-token" },
  grafana: { adminUser: "admin", adminPassword: "leak-check-grafana-password" },
  runners: { registrationToken: "leak-check-runner-registration-token" },
};
const secretValues = [
  goodDocument.proxmox.apiToken,
  goodDocument.s3.accessKey,
  goodDocument.s3.secretKey,
  goodDocument.alertmanager.discordWebhookUrl,
  goodDocument.grafana.adminPassword,
  goodDocument.runners.registrationToken,
];

let dir: string;
let rightKey: string;
let wrongKey: string;
/** Identities come only from the key file named in the test, never from this machine. */
let env: NodeJS.ProcessEnv;

async function writeKey(name: string): Promise<{ file: string; identity: string }> {
  const identity = await age.generateIdentity();
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${identity}\n`);
  return { file, identity };
}

async function writeSops(name: string, document: unknown, recipient: string): Promise<string> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, await encryptYaml(YAML.stringify(document), { recipients: [recipient] }));
  return file;
}

async function problems(project: string, source: { file: string; ageKeyFile?: string }): Promise<readonly string[]> {
  try {
    await loadSecrets(project, source, { root: dir, env });
  } catch (err) {
    if (isConfigError(err)) return err.problems;
    throw err;
  }
  return [];
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "load-secrets-"));
  env = { HOME: path.join(dir, "no-home") };
  const right = await writeKey("right.key");
  rightKey = right.file;
  wrongKey = (await writeKey("wrong.key")).file;
  const recipient = await age.identityToRecipient(right.identity);
  await writeSops("good.sops.yaml", goodDocument, recipient);
  const bad = structuredClone(goodDocument) as Record<string, Record<string, string>>;
  delete bad.grafana.adminPassword;
  bad.alertmanager.discordWebhookUrl = "https://hooks.example.com/leak-check-bad-webhook";
  bad.runners.registrationTokn = "leak-check-typo-value";
  await writeSops("bad.sops.yaml", bad, recipient);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("loadSecrets", () => {
  test("a good file with the right key decrypts", async () => {
    expect(await problems("home-platform", { file: "good.sops.yaml", ageKeyFile: "right.key" })).toEqual([]);
  });

  test("a missing SOPS file is a secrets.file problem, under the project's own name", async () => {
    expect(await problems("my-homelab", { file: "missing.sops.yaml", ageKeyFile: "right.key" })).toEqual([
      `config error: my-homelab:secrets.file: ${path.join(dir, "missing.sops.yaml")}: cannot read the file: ENOENT`,
    ]);
  });

  test("a key that opens nothing is a secrets.ageKeyFile problem", async () => {
    const lines = await problems("home-platform", { file: "good.sops.yaml", ageKeyFile: "wrong.key" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config error: home-platform:secrets\.ageKeyFile: \S+good\.sops\.yaml: the 1 age identity loaded .* match none of/);
    expect(lines[0]).toContain(wrongKey);
  });

  test("a missing key file, and no key at all, are secrets.ageKeyFile problems that say how to fix them", async () => {
    expect(await problems("home-platform", { file: "good.sops.yaml", ageKeyFile: "absent.key" })).toEqual([
      `config error: home-platform:secrets.ageKeyFile: ${path.join(dir, "good.sops.yaml")}: cannot read the age identities in key file (${path.join(dir, "absent.key")}): ENOENT`,
    ]);
    const [none] = await problems("my-homelab", { file: "good.sops.yaml" });
    expect(none).toMatch(/^config error: my-homelab:secrets\.ageKeyFile: .*no age identity to decrypt with: .*set my-homelab:secrets\.ageKeyFile in the stack file/);
  });

  test("a document missing a key, with a bad webhook URL and an unknown key: one line each, no value", async () => {
    const lines = await problems("home-platform", { file: "bad.sops.yaml", ageKeyFile: "right.key" });
    expect([...lines].sort()).toEqual(
      [
        "config error: bad.sops.yaml: alertmanager.discordWebhookUrl: must be a Discord webhook URL (https://discord.com/api/webhooks/...)",
        "config error: bad.sops.yaml: grafana.adminPassword: is required",
        "config error: bad.sops.yaml: runners.registrationTokn: unknown key (check the spelling; unknown keys are rejected)",
      ].sort(),
    );
    const text = lines.join("\n");
    for (const value of [...secretValues, "leak-check-bad-webhook", "leak-check-typo-value"]) expect(text).not.toContain(value);
  });
});

/** `npm run plan` on the real program, with a stack file whose project is not called home-platform. */
describe("npm run plan with broken secrets", () => {
  let project: string;
  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "plan-secrets-"));
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), YAML.stringify({ name: "my-homelab", runtime: "nodejs", main: path.join(repoRoot, "index.ts") }));
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  /** Pulumi.home.yaml under the new project name, with a different secrets source. */
  function stackFile(stack: string, secrets: { file: string; ageKeyFile: string }): void {
    const renamed = Object.fromEntries(Object.entries(stackFileConfig("home")).map(([key, value]) => [key.replace(/^home-platform:/, "my-homelab:"), value]));
    renamed["my-homelab:secrets"] = secrets;
    fs.writeFileSync(path.join(project, `Pulumi.${stack}.yaml`), YAML.stringify({ config: renamed }));
  }

  function plan(stack: string): Promise<PlanCliRun> {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: path.join(dir, "no-config") };
    delete childEnv.SOPS_AGE_KEY;
    delete childEnv.SOPS_AGE_KEY_FILE;
    return runPlanCli(["--stack", stack, "--cwd", project], childEnv);
  }

  test("a missing SOPS file: one line naming the project's secrets.file, exit 1", async () => {
    const missing = path.join(dir, "missing.sops.yaml");
    stackFile("missing", { file: missing, ageKeyFile: rightKey });
    const run = await plan("missing");
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`config error: my-homelab:secrets.file: ${missing}: cannot read the file: ENOENT\n`);
  });

  test("the wrong key: one line naming secrets.ageKeyFile, exit 1, no key or value printed", async () => {
    stackFile("wrong-key", { file: path.join(dir, "good.sops.yaml"), ageKeyFile: wrongKey });
    const run = await plan("wrong-key");
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")).toEqual([expect.stringMatching(/^config error: my-homelab:secrets\.ageKeyFile: .* match none of/), ""]);
    expect(run.stderr).not.toContain("AGE-SECRET-KEY");
    for (const value of secretValues) expect(run.stderr).not.toContain(value);
  });
});
