/**
 * eslint.config.js, which `npm test` runs with --max-warnings 0: the rules that matter here do
 * fire. Each fixture holds one mistake and is left out of the repository-wide lint. ESLint runs
 * as a child process, as `npm test` runs it (its config loader needs Node's own module loader),
 * once for all fixtures: type-aware linting loads the whole TypeScript program.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { repoRoot } from "./helpers";

const fixtures = ["output-in-template.ts", "floating-promise.ts"];
let ruleIds: Record<string, string[]>;

beforeAll(() => {
  // The package's exports hide bin/; its main entry is lib/api.js, beside it.
  const eslint = path.join(path.dirname(require.resolve("eslint")), "..", "bin", "eslint.js");
  const files = fixtures.map((fixture) => `tests/fixtures/lint/${fixture}`);
  const run = spawnSync(process.execPath, [eslint, "--no-ignore", "--format", "json", ...files], { cwd: repoRoot, encoding: "utf8" });
  const results = JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string | null; message: string }[] }[];
  ruleIds = Object.fromEntries(results.map((r) => [path.basename(r.filePath), r.messages.map((m) => m.ruleId ?? m.message)]));
});

test("an Output in a plain template literal is an error (use pulumi.interpolate)", () => {
  expect(ruleIds["output-in-template.ts"]).toEqual(["pulumi/no-output-in-template-literal"]);
});

test("a floating promise is an error", () => {
  expect(ruleIds["floating-promise.ts"]).toEqual(["@typescript-eslint/no-floating-promises"]);
});
