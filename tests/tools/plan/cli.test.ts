/**
 * The CLI end to end, as `npm run plan` runs it: a child `node --require @swc-node/register` process on the fixture
 * project. Every file and stream it produces is searched for the fixture's plaintext secrets.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { newResource } from "../../../tools/plan/simulate";
import { fixtureSecrets } from "./fixtures/project/secrets";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const fixture = path.join(__dirname, "fixtures", "project");

function plan(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, ["--require", "@swc-node/register", "tools/plan/cli.ts", ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, HOME_PLATFORM_ROOT: fixture },
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

// Secrets the plan itself simulated (marked secret by the SDK's additionalSecretOutputs).
const simulatedSecrets = [
  String(newResource({ type: "random:index/randomPassword:RandomPassword", name: "observability-grafana-admin", custom: true, inputs: { length: 24 } }).state.result),
];
const allSecrets = [...Object.values(fixtureSecrets), ...simulatedSecrets, "plan-placeholder-secret"];

describe("npm run plan on the fixture project", () => {
  let tmp: string;
  let run: ReturnType<typeof plan>;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    // Stale output from an earlier plan, and a file of the user's that must survive.
    fs.mkdirSync(path.join(tmp, "out", "helm"), { recursive: true });
    fs.writeFileSync(path.join(tmp, "out", "helm", "removed-release.values.yaml"), "stale: true\n");
    fs.writeFileSync(path.join(tmp, "out", "NOTES.md"), "keep me\n");
    run = plan("--stack", "home", "--json", path.join(tmp, "plan.json"), "--out", path.join(tmp, "out"));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test("prints the tree, counts, outputs and capacity", () => {
    expect(run.stdout).toMatch(/^ {6}proxmoxve:index\/vmLegacy:VmLegacy {2}cp-1 {2}\[protected\]$/m);
    expect(run.stdout).toMatch(/^ {6}proxmoxve:index\/vmLegacy:VmLegacy {2}w-1$/m);
    expect(run.stdout).toMatch(/^ {2}3 {2}proxmoxve:index\/vmLegacy:VmLegacy$/m);
    expect(run.stdout).toContain("  kubeconfig: [secret]");
    expect(run.stdout).toMatch(/^ {4}node-exporter perNode=2 +100m +128Mi$/m);
    expect(run.stdout).toMatch(/^ {2}total +300m +\(4\.3%\) +640Mi +\(2\.1%\)$/m);
  });

  test("the policy pack's mandatory violations are listed and fail the plan after the files are written", () => {
    // The fixture leaves two worker VMs and a bucket unprotected and one namespace unlabelled on purpose.
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("plan: mandatory policy violations (listed above)\n");
    expect(run.stdout).toContain("Policy pack: 4 mandatory, 0 advisory violation(s)");
    for (const name of ["w-1", "w-2", "loki-chunks"]) {
      expect(run.stdout).toMatch(new RegExp(`\\[mandatory\\] stateful-resources-protected: \\S+::${name}: `));
    }
    expect(run.stdout).toMatch(/\[mandatory\] namespace-pod-security: \S+::observability: /);
    expect(fs.existsSync(path.join(tmp, "plan.json"))).toBe(true);
  });

  test("--out writes helm values, kubernetes objects and talos configs, and clears stale files", () => {
    expect(listFiles(path.join(tmp, "out"))).toEqual([
      "NOTES.md",
      "helm/grafana.values.yaml",
      "kubernetes/configmap/observability/dashboards.yaml",
      "kubernetes/namespace/_cluster/observability.yaml",
      "kubernetes/secret/observability/dashboards-api.yaml",
      "talos/cp-1.yaml",
      "talos/w-1.yaml",
      "talos/w-2.yaml",
    ]);
    const { parse } = require("yaml") as typeof import("yaml");
    const read = (file: string) => parse(fs.readFileSync(path.join(tmp, "out", file), "utf8"));
    expect(read("helm/grafana.values.yaml")).toMatchObject({ adminUser: "admin", adminPassword: "[secret]", replicas: 2 });
    expect(read("kubernetes/secret/observability/dashboards-api.yaml")).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "dashboards-api", namespace: "observability" },
      stringData: { apiKey: "[secret]" },
    });
    // A list of Talos documents becomes a multi-document stream, as talosctl reads it.
    const { parseAllDocuments } = require("yaml") as typeof import("yaml");
    const [config, hostname, ...rest] = parseAllDocuments(fs.readFileSync(path.join(tmp, "out", "talos/w-1.yaml"), "utf8")).map((d) => d.toJS());
    expect(rest).toEqual([]);
    expect(config.machine).toMatchObject({ type: "worker", token: "[secret]", network: { interfaces: [{ addresses: ["10.0.0.21/24"] }] } });
    expect(config.cluster.secretboxEncryptionSecret).toBe("[secret]");
    expect(hostname).toEqual({ apiVersion: "v1alpha1", kind: "HostnameConfig", hostname: "w-1" });
  });

  test("--json has the documented shape, with secrets as [secret]", () => {
    const json = JSON.parse(fs.readFileSync(path.join(tmp, "plan.json"), "utf8"));
    expect(Object.keys(json)).toEqual(["project", "stack", "resources", "outputs", "capacity", "policyViolations"]);
    const vm = json.resources.find((r: { name: string }) => r.name === "cp-1");
    expect(Object.keys(vm)).toEqual(["urn", "type", "name", "parent", "provider", "dependsOn", "protect", "inputs"]);
    expect(vm).toMatchObject({ protect: true, provider: expect.stringContaining("pulumi:providers:proxmoxve::lab-pve") });
    expect(json.outputs.kubeconfig).toBe("[secret]");
    expect(json.capacity.total.cpuMillis).toBe(300);
  });

  test("no plaintext secret appears in stdout, stderr, the JSON or any rendered file", () => {
    const texts = [run.stdout, run.stderr, ...listFiles(tmp).map((f) => fs.readFileSync(path.join(tmp, f), "utf8"))];
    for (const secret of allSecrets) for (const text of texts) expect(text).not.toContain(secret);
    expect(texts.join("\n")).toContain("[secret]");
  });
});

describe("failures", () => {
  const noStackFrames = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

  test("a ConfigError prints its problem lines as given, exit 1, no stack trace", () => {
    const run = plan("--stack", "bad");
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'config error: home-platform:cluster.nodes[1].ip: "10.0.0.300" is not an IPv4 address\n' +
        'config error: home-platform:cluster.nodes[2].ip: "not-an-ip" is not an IPv4 address\n',
    );
    expect(run.stdout).toBe("");
  });

  test.each([
    ["crash", "plan failed: Cannot read properties of undefined (reading 'nodes')\n"],
    ["crash-apply", "plan failed: bad value inside an apply\n"],
  ])("any other error is one line (stack %s), exit 1", (stack, line) => {
    const run = plan("--stack", stack);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(line);
  });

  test("--debug adds the stack trace", () => {
    const run = plan("--stack", "crash", "--debug");
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^plan failed: .*\nTypeError: .*\n\s+at /);
  });

  test("a missing stack file is one line, exit 1", () => {
    const run = plan("--stack", "nope");
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^plan failed: stack config not found: .*Pulumi\.nope\.yaml\n$/);
    noStackFrames(run.stderr);
  });

  test.each([[["--stack", "home", "--frobnicate"]], [["--json", "x.json"]], [["--stack"]]])("bad command line %j: usage, exit 2", (args) => {
    const run = plan(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("usage: npm run plan -- --stack <name>");
  });
});
