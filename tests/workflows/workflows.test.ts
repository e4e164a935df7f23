import * as fs from "node:fs";
import * as path from "node:path";
import { runnersSchema } from "../../config/schema/runners";
import { labelNames } from "../../stacks/runners/values";
import { job, jobs, loadWorkflow, repoRoot, stackConfig, steps, workflowNames, type Step, type Workflow } from "./workflow-files";

const home = stackConfig("home");
const homeRunnerLabels = labelNames(runnersSchema.parse(home["home-platform:runners"]).labels);
const sdkVersion = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
const operating = fs.readFileSync(path.join(repoRoot, "docs", "operating.md"), "utf8");

/** The label of the runner the operator registers outside the cluster (docs/operating.md). */
const deployLabel = "home-deploy";
/** Runs a job only for pull requests whose branch lives in this repository, not in a fork. */
const sameRepository = "github.event.pull_request.head.repo.full_name == github.repository";
/** Every reference to a repository secret, wherever it sits in a file. */
const secretRef = /\$\{\{\s*secrets\./g;
const liveCredentials = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PULUMI_CONFIG_PASSPHRASE", "SOPS_AGE_KEY"];

/** Where each stage sits in the step list; -1 when missing. */
function stageIndex(all: Step[], match: (step: Step) => boolean): number {
  return all.findIndex(match);
}

/** `${{ expr }}` and `expr` mean the same in an `if:`; compare the expression. */
function condition(value: unknown): string | undefined {
  return typeof value === "string" ? value.replace(/^\$\{\{\s*/, "").replace(/\s*\}\}$/, "") : undefined;
}

const runs = (pattern: RegExp) => (step: Step) => pattern.test(step.run ?? "");
const usesAction = (pattern: RegExp) => (step: Step) => pattern.test(step.uses ?? "");
const holdsSecret = (step: Step) => Object.values(step.env ?? {}).some((v) => /secrets\./.test(v));
const isPlan = runs(/npm run --silent plan -- --stack home --json plan\.json --out plan-out/);
const finalCommand: Record<(typeof workflowNames)[number], RegExp> = {
  preview: /^\s*pulumi preview --stack home --diff\b/m,
  deploy: /^\s*pulumi up --yes --stack home\b/m,
};
const login = /^\s*pulumi login /m;

describe.each(workflowNames)("%s workflow", (name) => {
  const workflow: Workflow = loadWorkflow(name);
  const all = steps(workflow);
  const checks = job(workflow, "checks");
  const live = job(workflow, name);

  it(`has two jobs: checks, then ${name}`, () => {
    expect(jobs(workflow).map(([id]) => id)).toEqual(["checks", name]);
    expect(checks.needs).toBeUndefined();
    expect([live.needs].flat()).toEqual(["checks"]);
  });

  it("runs checks on a label the in-cluster home runners register with", () => {
    expect(homeRunnerLabels).toContain(checks["runs-on"]);
  });

  it(`runs ${name} on the ${deployLabel} runner, which the in-cluster runners never serve`, () => {
    expect(live["runs-on"]).toBe(deployLabel);
    expect(homeRunnerLabels).not.toContain(deployLabel);
    // The label docs/operating.md registers the out-of-cluster runner with.
    const registered = [...operating.matchAll(/--labels (\S+?)`?(?:\s|$)/g)].flatMap((m) => m[1].split(",").map((l) => l.split(":")[0]));
    expect(registered).toContain(deployLabel);
  });

  it("bounds every job with a timeout", () => {
    for (const [id, j] of jobs(workflow)) expect([id, typeof j["timeout-minutes"]]).toEqual([id, "number"]);
    for (const [id, j] of jobs(workflow)) expect([id, j["timeout-minutes"] > 0]).toEqual([id, true]);
  });

  it("checks: checks out, installs, tests, plans and keeps the plan, in that order, without the live stack", () => {
    const order = [
      stageIndex(checks.steps, usesAction(/\/actions\/checkout@/)),
      stageIndex(checks.steps, usesAction(/\/actions\/setup-node@/)),
      // The tools .ci/run installs for the tests, and the reference data beside the clone.
      stageIndex(checks.steps, (step) => ["prometheus", "prometheus-alertmanager", "yamllint"].every((pkg) => new RegExp(`apt-get install .*\\b${pkg}\\b`).test(step.run ?? "")) && /git clone .* \.\.\/shared$/m.test(step.run ?? "")),
      stageIndex(checks.steps, runs(/^npm ci$/)),
      stageIndex(checks.steps, runs(/^npm test$/)),
      stageIndex(checks.steps, isPlan),
      stageIndex(checks.steps, usesAction(/\/upload-artifact@/)),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
    expect(stageIndex(checks.steps, runs(/get\.pulumi\.com|\bpulumi (login|preview|up)\b/))).toBe(-1);
  });

  it("checks: npm test must run every suite, so a missing tool or a skipped test fails the job", () => {
    const test = checks.steps[stageIndex(checks.steps, runs(/^npm test$/))];
    expect(test.env).toMatchObject({ HOME_PLATFORM_REQUIRE_ALL_TESTS: "1" });
  });

  it(`${name}: checks out, installs, gets the Pulumi CLI, logs in and only then talks to the live stack`, () => {
    const order = [
      stageIndex(live.steps, usesAction(/\/actions\/checkout@/)),
      stageIndex(live.steps, usesAction(/\/actions\/setup-node@/)),
      stageIndex(live.steps, runs(/^npm ci$/)),
      stageIndex(live.steps, runs(/get\.pulumi\.com/)),
      stageIndex(live.steps, runs(finalCommand[name])),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
    // Within the last step: `pulumi login` first, then the command.
    const script = live.steps[order[order.length - 1]].run!;
    expect(script.search(login)).toBeGreaterThanOrEqual(0);
    expect(script.search(login)).toBeLessThan(script.search(finalCommand[name]));
  });

  it("pins every action by full commit SHA, with its tag in a comment", () => {
    const uses = workflow.text.split("\n").filter((line) => /^\s*(- )?uses:/.test(line));
    expect(uses.length).toBe(all.filter((s) => s.uses).length);
    for (const line of uses) expect(line).toMatch(/uses: https:\/\/\S+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("takes every credential from a repository secret", () => {
    const sensitive = /KEY|SECRET|TOKEN|PASSPHRASE|PASSWORD/;
    const envs = [workflow.doc.env ?? {}, ...jobs(workflow).map(([, j]) => j.env ?? {}), ...all.map((s) => s.env ?? {})];
    const credentials = envs.flatMap((env) => Object.entries(env)).filter(([key]) => sensitive.test(key));
    expect(credentials.length).toBeGreaterThan(0);
    for (const [key, value] of credentials) expect([key, value]).toEqual([key, expect.stringMatching(/^\$\{\{ secrets\.[A-Z0-9_]+ \}\}$/)]);
    // The age key opens every secret of the stack: it comes from the forge's secret store.
    const ageKeys = all.filter((s) => s.env?.SOPS_AGE_KEY).map((s) => s.env!.SOPS_AGE_KEY);
    expect(ageKeys.length).toBe(2);
    for (const value of ageKeys) expect(value).toBe("${{ secrets.SOPS_AGE_KEY }}");
  });

  it("hands secrets only to the plan (the age key) and the live step (state, passphrase, age key)", () => {
    const plan = checks.steps.find(isPlan)!;
    const final = live.steps.find(runs(finalCommand[name]))!;
    expect(plan.env).toEqual({ SOPS_AGE_KEY: "${{ secrets.SOPS_AGE_KEY }}" });
    const finalSecrets = Object.entries(final.env ?? {}).filter(([, v]) => /secrets\./.test(v)).map(([k]) => k);
    expect(finalSecrets.sort()).toEqual([...liveCredentials].sort());
    expect(all.filter(holdsSecret)).toEqual([plan, final]);
    // Nowhere else either: not in workflow or job env, `with:`, conditions or scripts.
    expect(workflow.text.match(secretRef)?.length).toBe(1 + liveCredentials.length);
    // Dependency installation and tests run without any secret in reach.
    const installs = all.filter((s) => /^npm (ci|test)$/.test(s.run ?? ""));
    expect(installs.length).toBe(3);
    // The only variable there is the switch that makes npm test run every suite.
    for (const step of installs) expect(Object.keys(step.env ?? {}).filter((key) => key !== "HOME_PLATFORM_REQUIRE_ALL_TESTS")).toEqual([]);
  });

  it("keeps secrets out of scripts and logs", () => {
    expect(workflow.text).not.toMatch(/AGE-SECRET-KEY-1/);
    for (const step of all.filter((s) => s.run)) {
      expect(step.run).not.toMatch(/\$\{\{\s*secrets\./);
      expect(step.run).not.toMatch(/set -x|set -o xtrace/);
    }
  });

  it("installs the Pulumi CLI matching the SDK, verified against the release's checksums", () => {
    expect(workflow.doc.env.PULUMI_VERSION).toBe(sdkVersion);
    const install = live.steps.find(runs(/get\.pulumi\.com/))!;
    expect(install.run).toMatch(/sha256sum --check --strict/);
    expect(install.run).toMatch(/pulumi-\$\{PULUMI_VERSION\}-checksums\.txt/);
  });

  it("keeps state in the bucket on the stack's MinIO, logged into with path-style S3", () => {
    expect(workflow.doc.env.STATE_ENDPOINT).toBe(new URL(home["home-platform:s3"].endpoint).host);
    const final = live.steps.find(runs(finalCommand[name]))!;
    expect(final.run).toContain('pulumi login "s3://${PULUMI_STATE_BUCKET}?endpoint=${STATE_ENDPOINT}&s3ForcePathStyle=true"');
    expect(final.env?.PULUMI_STATE_BUCKET).toBe("${{ vars.PULUMI_STATE_BUCKET }}");
  });

  it(`runs the repository's policy pack in the live \`pulumi ${name === "deploy" ? "up" : "preview"}\``, () => {
    const script = live.steps.find(runs(finalCommand[name]))!.run!;
    const command = script.split("\n").find((line) => finalCommand[name].test(line))!;
    const pack = command.match(/--policy-pack (\S+)/)?.[1];
    expect(pack).toBe("policy");
    // Relative to the checkout, where the step runs: the pack's manifest must be there.
    expect(fs.existsSync(path.join(repoRoot, pack!, "PulumiPolicy.yaml"))).toBe(true);
  });

  it("keeps the plan as an artifact", () => {
    const upload = checks.steps.find(usesAction(/\/upload-artifact@/));
    expect(String(upload?.with?.path)).toMatch(/plan\.json/);
    expect(upload?.with?.name).toBe("plan-home");
  });
});

describe("preview", () => {
  const workflow = loadWorkflow("preview");
  const checks = job(workflow, "checks");
  const preview = job(workflow, "preview");

  it("runs for pull requests and never changes the stack", () => {
    expect(Object.keys(workflow.doc.on)).toEqual(["pull_request"]);
    for (const step of steps(workflow)) expect(step.run ?? "").not.toMatch(/pulumi (up|destroy|import|refresh --yes|state )/);
  });

  it("cancels a running preview when the pull request moves on", () => {
    expect(workflow.doc.concurrency).toEqual({ group: "preview-${{ github.ref }}", "cancel-in-progress": true });
  });

  it("runs nothing of a fork's on the home-deploy runner", () => {
    expect(condition(preview.if)).toBe(sameRepository);
  });

  it("never hands a fork's code the age key: the plan and its artifact are skipped for forks", () => {
    const guarded = checks.steps.filter((s) => condition(s.if) === sameRepository);
    expect(guarded).toEqual([checks.steps.find(isPlan), checks.steps.find(usesAction(/\/upload-artifact@/))]);
    // Every step of checks with a secret is among them; the tests still run for forks.
    for (const step of checks.steps.filter(holdsSecret)) expect(guarded).toContain(step);
    for (const step of checks.steps.filter(runs(/^npm (ci|test)$/))) expect(step.if).toBeUndefined();
    expect(checks.if).toBeUndefined();
  });
});

describe("deploy", () => {
  const workflow = loadWorkflow("deploy");
  const deploy = job(workflow, "deploy");

  it("runs for pushes to main", () => {
    expect(workflow.doc.on.push.branches).toEqual(["main"]);
    expect(workflow.doc.on.pull_request).toBeUndefined();
    expect(workflow.doc.on.pull_request_target).toBeUndefined();
  });

  it("has no pull-request condition, which would skip every deploy", () => {
    expect(workflow.text).not.toMatch(/github\.event\.pull_request/);
  });

  it("runs every job only for main, so a manual run cannot deploy another branch", () => {
    expect(Object.keys(workflow.doc.on).sort()).toEqual(["push", "workflow_dispatch"]);
    for (const [id, j] of jobs(workflow)) expect([id, condition(j.if)]).toEqual([id, "github.ref == 'refs/heads/main'"]);
    for (const step of steps(workflow)) expect(step.if).toBeUndefined();
  });

  it("never runs two deploys at once and never cancels one halfway", () => {
    expect(workflow.doc.concurrency).toEqual({ group: "deploy-home", "cancel-in-progress": false });
  });

  it("installs the talosctl of the stack's Talos release before `pulumi up`", () => {
    expect(workflow.doc.env.TALOSCTL_VERSION).toBe(home["home-platform:cluster"].talosVersion);
    const install = deploy.steps.findIndex(runs(/talosctl-linux-amd64/));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(deploy.steps[install].run).toMatch(/sha256sum --check --strict/);
    expect(install).toBeLessThan(deploy.steps.findIndex(runs(finalCommand.deploy)));
  });
});
