/**
 * The stack-level config rules (namespaces, runner egress) end to end: `npm run plan` on the real
 * program prints every problem as a `config error:` line and nothing else. Before these rules
 * moved into config/, they were throws inside the stacks: one `plan failed:` line, after the
 * cluster's resources had been registered, and only the first problem.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { runPlanCli } from "../helpers/plan-cli";

const repoRoot = path.resolve(__dirname, "../..");
const fixture = path.join(__dirname, "invalid", "stack-namespaces-and-runner-networks.yaml");

let project: string;
beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "plan-config-errors-"));
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), YAML.stringify({ name: "home-platform", runtime: "nodejs", main: path.join(repoRoot, "index.ts") }));
  fs.copyFileSync(fixture, path.join(project, "Pulumi.rules.yaml"));
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

test("every stack-level mistake is one config error line, all at once, before any resource", async () => {
  const expected = fs
    .readFileSync(fixture, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("# expect: "))
    .map((line) => line.slice("# expect: ".length));
  expect(expected).toHaveLength(5);
  const run = await runPlanCli(["--stack", "rules", "--cwd", project]);
  expect(run.status).toBe(1);
  // No summary: the plan stopped before the program registered anything.
  expect(run.stdout).toBe("");
  expect(run.stderr.trimEnd().split("\n").sort()).toEqual([...expected].sort());
});
