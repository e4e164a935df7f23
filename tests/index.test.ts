/**
 * The whole program, as an operator meets it: `npm run plan` on the real stacks and on broken
 * stack files. Each run is a child process, exactly as the README's command runs it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { decryptFile } from "../lib/sops";
import { charts } from "../versions";
import { runPlanCli, type PlanCliRun } from "./helpers/plan-cli";
import { stackConfig } from "./helpers/stack-config";
import { validateYamlDocuments } from "./components/talos-cluster/helpers/talos-schema";

const repoRoot = path.resolve(__dirname, "..");

const plan = (args: readonly string[]) => runPlanCli(args);
type Run = PlanCliRun;

/** Every string leaf of the decrypted SOPS document: none of them may show up anywhere. */
async function plaintextSecrets(stack: string): Promise<string[]> {
  const document = await decryptFile(path.join(repoRoot, `secrets/${stack}.sops.yaml`), {
    ageKeyFile: path.join(repoRoot, "secrets/demo-age.key"),
  });
  const leaves: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === "string") leaves.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(document);
  // Short values such as "admin" would match innocent text; the real secrets are long.
  return leaves.filter((leaf) => leaf.length >= 12);
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe.each([
  ["home", 3],
  ["lab", 1],
] as const)("npm run plan -- --stack %s", (stack, nodeCount) => {
  let tmp: string;
  let run: Run;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), `plan-${stack}-`));
    run = await plan(["--stack", stack, "--json", path.join(tmp, "plan.json"), "--out", path.join(tmp, "out")]);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test("succeeds with no policy violation and prints the outputs", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Policy pack: 0 mandatory, 0 advisory violation(s)");
    for (const output of ["grafanaDatasources", "syslogEndpoint", "buckets", "grafanaUrl"]) {
      expect(run.stdout).toMatch(new RegExp(`^  ${output}: \\S`, "m"));
    }
    expect(run.stdout).toMatch(/^ {2}kubeconfig: \[secret\]$/m);
  });

  test("one VM and one Talos machine config per node in the stack file", () => {
    const nodes = stackConfig(stack).cluster.nodes;
    expect(nodes).toHaveLength(nodeCount);
    const json = JSON.parse(fs.readFileSync(path.join(tmp, "plan.json"), "utf8"));
    const vms = json.resources.filter((r: { type: string }) => r.type === "proxmoxve:index/vmLegacy:VmLegacy");
    expect(vms.map((vm: { inputs: { name: string } }) => vm.inputs.name).sort()).toEqual(nodes.map((n) => n.name).sort());
    expect(fs.readdirSync(path.join(tmp, "out", "talos")).sort()).toEqual(nodes.map((n) => `${n.name}.yaml`).sort());
  });

  test("every --out Talos machine config validates against the Talos schema, secrets included as [secret]", () => {
    const dir = path.join(tmp, "out", "talos");
    for (const file of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      expect([file, validateYamlDocuments(text)]).toEqual([file, []]);
      expect(text).toContain('"[secret]"');
    }
  });

  test("every pinned chart is released at its pinned version", () => {
    const json = JSON.parse(fs.readFileSync(path.join(tmp, "plan.json"), "utf8"));
    const released = json.resources
      .filter((r: { type: string }) => r.type === "kubernetes:helm.sh/v3:Release")
      .map((r: { inputs: { chart: string; version: string } }) => `${r.inputs.chart.split("/").pop()}@${r.inputs.version}`);
    expect(released.sort()).toEqual(Object.values(charts).map((pin) => `${pin.chart}@${pin.version}`).sort());
  });

  test("no decrypted secret appears in the summary, the JSON or any --out file", async () => {
    const secrets = await plaintextSecrets(stack);
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const texts = [run.stdout, run.stderr, ...filesUnder(tmp).map((file) => fs.readFileSync(file, "utf8"))];
    for (const secret of secrets) {
      for (const text of texts) expect(text.includes(secret)).toBe(false);
    }
    // The secrets are there, as markers: the token Secret of the runners, the objstore config...
    expect(fs.readFileSync(path.join(tmp, "plan.json"), "utf8")).toContain('"[secret]"');
  });
});

describe("broken stack files stop the plan before anything is created", () => {
  let project: string;
  beforeAll(() => {
    // A project folder whose program is the real index.ts, so only the stack file differs.
    project = fs.mkdtempSync(path.join(os.tmpdir(), "plan-invalid-"));
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      YAML.stringify({ name: "home-platform", runtime: "nodejs", main: path.join(repoRoot, "index.ts") }),
    );
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  // The mistakes the foundation issue names; tests/config covers every fixture in-process.
  test.each(["bad-ip", "negative-size", "duplicate-node", "unknown-key", "wrong-type"])("%s", async (fixture) => {
    const source = fs.readFileSync(path.join(__dirname, "config", "invalid", `${fixture}.yaml`), "utf8");
    fs.writeFileSync(path.join(project, `Pulumi.${fixture}.yaml`), source);
    const expected = source
      .split("\n")
      .filter((line) => line.startsWith("# expect: "))
      .map((line) => line.slice("# expect: ".length));

    const run = await plan(["--stack", fixture, "--cwd", project]);

    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n").sort()).toEqual(expected.sort());
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
