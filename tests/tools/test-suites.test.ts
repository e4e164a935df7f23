/**
 * The split between the unit suite (a fresh clone, nothing else) and the conformance suite
 * (reference data and upstream checkers), and what `npm test` says when it leaves one out.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkerCommand, checkerVersion } from "../../tools/checkers";
import { checkersLine, missingMaterial, skippedConformanceLine } from "../../tools/test-suites";

const repoRoot = path.resolve(__dirname, "../..");
const { conformance } = require("../suites.js") as { conformance: readonly string[] };

/** Modules that read material from outside the repository, and the exports that do ("*": all). */
const materialSources: Record<string, readonly string[] | "*"> = {
  "tools/shared-path": "*",
  "tests/helpers/chart-values": "*",
  "tests/helpers/crd-schema": "*",
  "tests/helpers/promtool": "*",
  "tests/helpers/amtool": "*",
  "tests/components/talos-cluster/helpers/talos-schema": ["validateYamlDocuments", "talosDocumentValidator"],
  "tests/lib/sops/helpers": ["vector", "readVector", "identityIn"],
};
/** Running an upstream checker directly. */
const runsChecker = /spawn(Sync)?\(\s*["'](promtool|amtool|yamllint)["']/;

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Repository-relative module id without extension ("tests/helpers/promtool"). */
const moduleId = (file: string) => path.relative(repoRoot, file).replace(/(\/index)?\.ts$/, "");

/** Value imports of relative modules: module id → imported names ("*" for namespace or default imports). */
function relativeImports(file: string): Map<string, string[] | "*"> {
  const imports = new Map<string, string[] | "*">();
  for (const match of fs.readFileSync(file, "utf8").matchAll(/import\s+([^;]*?)\s+from\s+"(\.[^"]+)"/gs)) {
    const [, clause, specifier] = match;
    if (clause.startsWith("type ")) continue;
    const target = path.resolve(path.dirname(file), specifier);
    const id = moduleId(fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, "index.ts"));
    const braces = /\{([^}]*)\}/.exec(clause);
    const names = braces
      ? braces[1].split(",").map((name) => name.trim()).filter((name) => name !== "" && !name.startsWith("type ")).map((name) => name.split(/\s+as\s+/)[0])
      : [];
    const whole = !braces || /^\s*(\*|\w+\s*,)/.test(clause);
    imports.set(id, whole ? "*" : names);
  }
  return imports;
}

/** Every .ts file under tests/ that reads outside material, directly or through a helper. */
function filesNeedingMaterial(): Set<string> {
  // tests/live is neither suite: `npm run test:live` runs it with the built toolchain and the reference folder.
  const files = tsFiles(path.join(repoRoot, "tests")).filter((file) => !file.startsWith(path.join(repoRoot, "tests", "live") + path.sep));
  const sources = new Map<string, readonly string[] | "*">(Object.entries(materialSources));
  const needing = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const file of files) {
      const id = moduleId(file);
      if (needing.has(id)) continue;
      const reads =
        runsChecker.test(fs.readFileSync(file, "utf8")) ||
        [...relativeImports(file)].some(([target, names]) => {
          const exports = sources.get(target);
          if (exports === undefined) return false;
          return exports === "*" || names === "*" || names.some((name) => exports.includes(name));
        });
      if (reads) {
        needing.add(id);
        // A helper that reads material passes that on to whoever imports it.
        if (!id.endsWith(".test") && !sources.has(id)) sources.set(id, "*");
        changed = true;
      }
    }
  }
  return needing;
}

describe("the suites", () => {
  test("the conformance suite is exactly the test files that read reference data or run an upstream checker", () => {
    const tests = [...filesNeedingMaterial()].filter((id) => id.endsWith(".test")).map((id) => `${id}.ts`);
    // Missing from the list: fails on a fresh clone. Listed without need: a fresh clone never runs it.
    expect([...tests].sort()).toEqual([...conformance].sort());
  });

  test("the conformance list names existing test files, and the unit suite runs none of them", () => {
    for (const file of conformance) expect([file, fs.existsSync(path.join(repoRoot, file))]).toEqual([file, true]);
    const listed = spawnSync(process.execPath, [require.resolve("jest/bin/jest"), "--listTests", "--selectProjects", "unit"], { cwd: repoRoot, encoding: "utf8" });
    expect(listed.status).toBe(0);
    const unit = listed.stdout.split("\n").filter((line) => line.startsWith("/")).map((file) => path.relative(repoRoot, file));
    expect(unit).toContain("tests/config/schema.test.ts");
    expect(unit.filter((file) => conformance.includes(file))).toEqual([]);
  });

  test("unit tests cannot reach the reference folder, even on a machine that has one", () => {
    expect(process.env.HOME_PLATFORM_SHARED).toMatch(/^\/nonexistent\//);
  });
});

describe("what the conformance suite needs", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "suites-"));
    for (const part of ["shared/reference", "shared/vectors", "bin"]) fs.mkdirSync(path.join(dir, part), { recursive: true });
    for (const tool of ["promtool", "amtool", "yamllint"]) fs.writeFileSync(path.join(dir, "bin", tool), "#!/bin/sh\n", { mode: 0o755 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("nothing is missing with the reference folder and the three checkers on PATH", () => {
    expect(missingMaterial({ HOME_PLATFORM_SHARED: path.join(dir, "shared"), PATH: path.join(dir, "bin") })).toEqual([]);
  });

  test("a fresh clone lacks the reference data and every checker, each named with where it comes from", () => {
    const missing = missingMaterial({ HOME_PLATFORM_SHARED: path.join(dir, "absent"), PATH: path.join(dir, "empty") });
    expect(missing).toEqual([
      `the reference data (${path.join(dir, "absent")} has no reference/ or vectors/)`,
      "promtool (Debian package prometheus)",
      "amtool (Debian package prometheus-alertmanager)",
      "yamllint (Debian package yamllint)",
    ]);
    const line = skippedConformanceLine(missing);
    expect(line).not.toContain("\n");
    expect(line).toMatch(/^npm test: did not run the conformance suite \(\d+ test files/);
    for (const phrase of missing) expect(line).toContain(phrase);
    expect(line).toContain("HOME_PLATFORM_SHARED=<reference folder> npm run test:conformance");
  });

  test("PROMTOOL stands in for promtool on PATH", () => {
    const env = { HOME_PLATFORM_SHARED: path.join(dir, "shared"), PATH: path.join(dir, "empty"), PROMTOOL: path.join(dir, "bin", "promtool") };
    expect(missingMaterial(env)).toEqual(["amtool (Debian package prometheus-alertmanager)", "yamllint (Debian package yamllint)"]);
  });

  test("AMTOOL stands in for amtool on PATH", () => {
    const env = { HOME_PLATFORM_SHARED: path.join(dir, "shared"), PATH: path.join(dir, "empty"), AMTOOL: path.join(dir, "bin", "amtool") };
    expect(missingMaterial(env)).toEqual(["promtool (Debian package prometheus)", "yamllint (Debian package yamllint)"]);
  });

  test("the helpers run PROMTOOL and AMTOOL when set, else the name on PATH", () => {
    expect(checkerCommand("promtool", { PROMTOOL: "/opt/pinned/promtool" })).toBe("/opt/pinned/promtool");
    expect(checkerCommand("amtool", { AMTOOL: "/opt/pinned/amtool" })).toBe("/opt/pinned/amtool");
    expect(checkerCommand("promtool", { AMTOOL: "/opt/pinned/amtool" })).toBe("promtool");
    expect(checkerCommand("amtool", { AMTOOL: "" })).toBe("amtool");
  });

  test("the suite names the checker versions it runs", () => {
    // Both binaries' real first lines: "promtool, version 3.14.0 (branch: …)", "amtool, version 0.34.0 (…)".
    const fake = (name: string, line: string) => {
      const file = path.join(dir, "versions", name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `#!/bin/sh\necho '${line}'\necho '  build user: x'\n`, { mode: 0o755 });
      return file;
    };
    const promtool = fake("promtool", "promtool, version 3.14.0 (branch: HEAD, revision: v3.14.0)");
    const amtool = fake("amtool", "amtool, version 0.34.0 (branch: HEAD, revision: v0.34.0)");
    expect(checkerVersion(promtool)).toBe(`promtool 3.14.0 (${promtool})`);
    expect(checkersLine({ PROMTOOL: promtool, AMTOOL: amtool })).toBe(`conformance suite checkers: promtool 3.14.0 (${promtool}), amtool 0.34.0 (${amtool})`);
    expect(checkerVersion(path.join(dir, "versions", "absent"))).toMatch(/\(version unknown: .*ENOENT/);
  });

  test("npm run test:conformance without its material fails and says what is missing", () => {
    const run = spawnSync(process.execPath, ["--require", "@swc-node/register", "tools/test-suites.ts", "--conformance"], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, HOME_PLATFORM_SHARED: path.join(dir, "absent") },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`the conformance suite cannot run: missing the reference data (${path.join(dir, "absent")} has no reference/ or vectors/)`);
  });
});
