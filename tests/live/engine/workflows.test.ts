/**
 * The Forgejo workflows through actionlint at the pinned release, with shellcheck over every
 * `run:` script (.forgejo/actionlint.yaml names the self-hosted runner labels and the one rule
 * that does not apply to Forgejo's full-URL actions).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { toolPath } from "../../../tools/toolchain/paths";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const workflows = fs.readdirSync(path.join(repoRoot, ".forgejo", "workflows")).filter((f) => f.endsWith(".yaml")).map((f) => `.forgejo/workflows/${f}`);

function actionlint(files: string[], cwd = repoRoot) {
  return spawnSync(toolPath("actionlint"), ["-config-file", path.join(repoRoot, ".forgejo", "actionlint.yaml"), "-no-color", ...files], { cwd, encoding: "utf8" });
}

test("shellcheck is there, so actionlint checks the run: scripts instead of skipping them silently", () => {
  expect(execFileSync("shellcheck", ["--version"], { encoding: "utf8" })).toMatch(/^version: \d/m);
});

test("every workflow passes actionlint", () => {
  expect(workflows).toEqual([".forgejo/workflows/deploy.yaml", ".forgejo/workflows/preview.yaml"]);
  const run = actionlint(workflows);
  expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
});

test("the configuration hides nothing but the full-URL action rule: an unknown label and a shell bug still fail", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-"));
  try {
    fs.mkdirSync(path.join(dir, ".forgejo", "workflows"), { recursive: true });
    const broken = fs
      .readFileSync(path.join(repoRoot, ".forgejo", "workflows", "preview.yaml"), "utf8")
      .replace("runs-on: home-deploy", "runs-on: home-deploi")
      .replace("run: npm test", 'run: if [ $GITHUB_REF == x ]; then npm test; fi');
    fs.writeFileSync(path.join(dir, ".forgejo", "workflows", "preview.yaml"), broken);
    const run = actionlint([".forgejo/workflows/preview.yaml"], dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('label "home-deploi" is unknown');
    expect(run.stdout).toMatch(/shellcheck reported issue in this script: SC2086/);
    expect(run.stdout).not.toContain("code.forgejo.org");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
