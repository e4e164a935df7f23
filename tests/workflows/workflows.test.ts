import * as fs from "node:fs";
import * as path from "node:path";
import { runnersSchema } from "../../config/schema/runners";
import { labelNames } from "../../stacks/runners/values";
import { jobs, loadWorkflow, repoRoot, stackConfig, steps, workflowNames, type Step, type Workflow } from "./workflow-files";

const home = stackConfig("home");
const homeRunnerLabels = labelNames(runnersSchema.parse(home["home-platform:runners"]).labels);
const sdkVersion = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];

/** Where each stage sits in the step list; -1 when missing. */
function stageIndex(all: Step[], match: (step: Step) => boolean): number {
  return all.findIndex(match);
}

const runs = (pattern: RegExp) => (step: Step) => pattern.test(step.run ?? "");
const finalCommand: Record<(typeof workflowNames)[number], RegExp> = {
  preview: /^\s*pulumi preview --stack home --diff\b/m,
  deploy: /^\s*pulumi up --yes --stack home\b/m,
};

describe.each(workflowNames)("%s workflow", (name) => {
  const workflow: Workflow = loadWorkflow(name);
  const all = steps(workflow);

  it("runs on a label the home runners register with", () => {
    for (const [, job] of jobs(workflow)) expect(homeRunnerLabels).toContain(job["runs-on"]);
  });

  it("checks out, tests, plans and only then talks to the live stack, in that order", () => {
    const order = [
      stageIndex(all, (s) => /\/actions\/checkout@/.test(s.uses ?? "")),
      stageIndex(all, (s) => /\/actions\/setup-node@/.test(s.uses ?? "")),
      stageIndex(all, runs(/^npm ci$/)),
      stageIndex(all, runs(/^npm test$/)),
      stageIndex(all, runs(/npm run --silent plan -- --stack home --json plan\.json --out plan-out/)),
      stageIndex(all, runs(/get\.pulumi\.com/)),
      stageIndex(all, runs(finalCommand[name])),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
  });

  it("pins every action by full commit SHA, with its tag in a comment", () => {
    const uses = workflow.text.split("\n").filter((line) => /^\s*(- )?uses:/.test(line));
    expect(uses.length).toBe(all.filter((s) => s.uses).length);
    for (const line of uses) expect(line).toMatch(/uses: https:\/\/\S+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("takes every credential from a repository secret, only in the steps that use it", () => {
    const sensitive = /KEY|SECRET|TOKEN|PASSPHRASE|PASSWORD/;
    const envs = [workflow.doc.env ?? {}, ...jobs(workflow).map(([, job]) => job.env ?? {}), ...all.map((s) => s.env ?? {})];
    const credentials = envs.flatMap((env) => Object.entries(env)).filter(([key]) => sensitive.test(key));
    expect(credentials.length).toBeGreaterThan(0);
    for (const [key, value] of credentials) expect([key, value]).toEqual([key, expect.stringMatching(/^\$\{\{ secrets\.[A-Z0-9_]+ \}\}$/)]);
    // The age key opens every secret of the stack: it comes from the forge's secret store.
    const ageKeys = all.filter((s) => s.env?.SOPS_AGE_KEY).map((s) => s.env!.SOPS_AGE_KEY);
    expect(ageKeys.length).toBeGreaterThanOrEqual(2);
    for (const value of ageKeys) expect(value).toBe("${{ secrets.SOPS_AGE_KEY }}");
    // Dependency installation and tests run without any secret in reach.
    for (const step of all.filter((s) => /^npm (ci|test)$/.test(s.run ?? ""))) expect(step.env).toBeUndefined();
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
    const install = all.find(runs(/get\.pulumi\.com/))!;
    expect(install.run).toMatch(/sha256sum --check --strict/);
    expect(install.run).toMatch(/pulumi-\$\{PULUMI_VERSION\}-checksums\.txt/);
  });

  it("keeps state in the bucket on the stack's MinIO, logged into with path-style S3", () => {
    expect(workflow.doc.env.STATE_ENDPOINT).toBe(new URL(home["home-platform:s3"].endpoint).host);
    const live = all.find(runs(finalCommand[name]))!;
    expect(live.run).toContain('pulumi login "s3://${PULUMI_STATE_BUCKET}?endpoint=${STATE_ENDPOINT}&s3ForcePathStyle=true"');
    expect(live.env?.PULUMI_STATE_BUCKET).toBe("${{ vars.PULUMI_STATE_BUCKET }}");
    for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PULUMI_CONFIG_PASSPHRASE", "SOPS_AGE_KEY"]) {
      expect(Object.keys(live.env ?? {})).toContain(key);
    }
  });

  it("keeps the plan as an artifact", () => {
    const upload = all.find((s) => /\/upload-artifact@/.test(s.uses ?? ""));
    expect(String(upload?.with?.path)).toMatch(/plan\.json/);
    expect(all.indexOf(upload!)).toBeGreaterThan(all.findIndex(runs(/npm run --silent plan/)));
  });
});

describe("preview", () => {
  const workflow = loadWorkflow("preview");

  it("runs for pull requests and never changes the stack", () => {
    expect(Object.keys(workflow.doc.on)).toEqual(["pull_request"]);
    for (const step of steps(workflow)) expect(step.run ?? "").not.toMatch(/pulumi (up|destroy|import|refresh --yes|state )/);
  });
});

describe("deploy", () => {
  const workflow = loadWorkflow("deploy");
  const all = steps(workflow);

  it("runs for pushes to main", () => {
    expect(workflow.doc.on.push.branches).toEqual(["main"]);
    expect(workflow.doc.on.pull_request).toBeUndefined();
  });

  it("never runs two deploys at once and never cancels one halfway", () => {
    expect(workflow.doc.concurrency).toEqual({ group: "deploy-home", "cancel-in-progress": false });
  });

  it("installs the talosctl of the stack's Talos release before `pulumi up`", () => {
    expect(workflow.doc.env.TALOSCTL_VERSION).toBe(home["home-platform:cluster"].talosVersion);
    const install = all.findIndex(runs(/talosctl-linux-amd64/));
    expect(all[install].run).toMatch(/sha256sum --check --strict/);
    expect(install).toBeLessThan(all.findIndex(runs(finalCommand.deploy)));
  });
});
