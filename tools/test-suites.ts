/**
 * `npm test` and `npm run test:conformance` (tests/suites.js says which file is in which suite).
 *
 *   npm test                    the unit suite; then the conformance suite when its material is
 *                               here, otherwise one line saying what did not run and how to run it
 *   npm run test:conformance    the conformance suite alone; missing material is an error
 *
 * HOME_PLATFORM_REQUIRE_ALL_TESTS=1 (set by .ci/run and the CI workflows) turns every gap into a
 * failure: missing material, and any test Jest reports as skipped or todo. Extra arguments go to
 * Jest (`npm test -- -t pattern`).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkerCommand, checkerVersion } from "./checkers";

const repoRoot = path.resolve(__dirname, "..");
const { conformance } = require("../tests/suites.js") as { conformance: readonly string[] };

/** The reference folder the conformance suite reads: HOME_PLATFORM_SHARED, or shared/ beside the clone. */
export function sharedFolder(env: NodeJS.ProcessEnv): string {
  return env.HOME_PLATFORM_SHARED ? path.resolve(env.HOME_PLATFORM_SHARED) : path.resolve(repoRoot, "..", "shared");
}

/** The upstream checkers and the Debian packages that ship them. */
const tools = [
  { name: "promtool", override: "PROMTOOL", debian: "prometheus" },
  { name: "amtool", override: "AMTOOL", debian: "prometheus-alertmanager" },
  { name: "yamllint", debian: "yamllint" },
] as const;

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  if (command.includes(path.sep)) return isExecutable(command);
  return (env.PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && isExecutable(path.join(dir, command)));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** What the conformance suite needs and this machine lacks, each as a short phrase; [] when all is here. */
export function missingMaterial(env: NodeJS.ProcessEnv): string[] {
  const missing: string[] = [];
  const shared = sharedFolder(env);
  const parts = ["reference", "vectors"].filter((part) => !isDirectory(path.join(shared, part)));
  if (parts.length > 0) missing.push(`the reference data (${shared} has no ${parts.join("/ or ")}/)`);
  for (const tool of tools) {
    const command = ("override" in tool ? env[tool.override] : undefined) ?? tool.name;
    if (!onPath(command, env)) missing.push(`${tool.name} (Debian package ${tool.debian})`);
  }
  return missing;
}

/**
 * "conformance suite checkers: promtool 3.14.0 (/…/promtool), amtool 0.34.0 (amtool)": which
 * versions judge the rules and Alertmanager configs, since 2.x and 3.x evaluate PromQL differently.
 */
export function checkersLine(env: NodeJS.ProcessEnv): string {
  return `conformance suite checkers: ${(["promtool", "amtool"] as const).map((name) => checkerVersion(checkerCommand(name, env))).join(", ")}`;
}

/** The single line `npm test` prints when it leaves the conformance suite out. */
export function skippedConformanceLine(missing: readonly string[]): string {
  return (
    `npm test: did not run the conformance suite (${conformance.length} test files in tests/suites.js: chart values, CRD and Talos schemas, ` +
    `sops vectors, promtool, amtool, yamllint) because this machine lacks ${missing.join(", ")}; ` +
    `to run it: HOME_PLATFORM_SHARED=<reference folder> npm run test:conformance`
  );
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** One Jest project; returns false when it failed or, under `strict`, skipped a test. */
function runJest(project: "unit" | "conformance", jestArgs: readonly string[], strict: boolean): boolean {
  const jest = require.resolve("jest/bin/jest");
  const args = [jest, "--selectProjects", project, "--json", ...(jestArgs.length > 0 ? ["--passWithNoTests", ...jestArgs] : [])];
  // With --json, Jest writes the summary to stdout and its usual report to stderr.
  const run = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: ["inherit", "pipe", "inherit"], encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const resultsDir = process.env.HOME_PLATFORM_TEST_RESULTS;
  if (resultsDir && run.stdout) fs.writeFileSync(path.join(resultsDir, `${project}.json`), run.stdout);
  let skipped = 0;
  try {
    const summary = JSON.parse(run.stdout) as { numPendingTests: number; numTodoTests: number };
    skipped = summary.numPendingTests + summary.numTodoTests;
  } catch {
    // No summary: Jest failed before running anything, and its exit status says so.
  }
  if (run.status !== 0) return false;
  if (strict && skipped > 0) {
    process.stderr.write(`${project} suite: ${skipped} test(s) skipped or todo; HOME_PLATFORM_REQUIRE_ALL_TESTS forbids that\n`);
    return false;
  }
  return true;
}

function main(argv: readonly string[]): number {
  const conformanceOnly = argv[0] === "--conformance";
  const jestArgs = conformanceOnly ? argv.slice(1) : argv;
  const strict = process.env.HOME_PLATFORM_REQUIRE_ALL_TESTS === "1";
  if (!conformanceOnly && !runJest("unit", jestArgs, strict)) return 1;

  const missing = missingMaterial(process.env);
  if (missing.length > 0) {
    if (conformanceOnly || strict) {
      process.stderr.write(`the conformance suite cannot run: missing ${missing.join(", ")}; set HOME_PLATFORM_SHARED to the reference folder and install the Debian packages\n`);
      return 1;
    }
    process.stdout.write(`${skippedConformanceLine(missing)}\n`);
    return 0;
  }
  // The helpers read HOME_PLATFORM_SHARED or ../shared themselves; pass on the folder that was checked.
  process.env.HOME_PLATFORM_SHARED = sharedFolder(process.env);
  process.stdout.write(`${checkersLine(process.env)}\n`);
  return runJest("conformance", jestArgs, strict) ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
