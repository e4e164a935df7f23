/**
 * `npm run check:pulumi-releases`: is every `@pulumi/*` package in package-lock.json a version its
 * upstream actually released?
 *
 * Why: npm's highest `@pulumi/command` version, 4.5.0, is a mis-numbered publish (upstream v0.5.0
 * code, an install script asking for a `pulumi-resource-command` v4.5.0 plugin that was never
 * released). Anything that picks "the highest number" lands on it; the engine then cannot load the
 * provider. Pulumi publishes every release through the `latest` dist-tag (or a named tag for
 * previews), so a locked version above `latest` that no dist-tag names is not on upstream's line.
 *
 * Two halves, because the rule needs the registry and unit tests must not:
 * - offline, in the unit tests (tests/tools/pulumi-releases.test.ts): the rule itself, and that
 *   every installed provider package asks the engine for the plugin version it is (4.5.0 did not);
 * - online, here: the registry's dist-tags for each locked package, run by `.ci/run` after
 *   `npm ci` (which needs the same registry anyway). Exit 1 with one line per problem.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface LockedPackage {
  readonly name: string;
  readonly version: string;
  /** Path in the lock file, e.g. node_modules/@pulumi/command. */
  readonly location: string;
}

/** Every `@pulumi/*` package the lock file installs, at any depth. */
export function lockedPulumiPackages(lock: { packages?: Record<string, { version?: string }> }): LockedPackage[] {
  return Object.entries(lock.packages ?? {})
    .map(([location, entry]) => ({ location, name: location.replace(/^.*node_modules\//, ""), version: entry.version ?? "" }))
    .filter((p) => /(^|\/)node_modules\/@pulumi\/[^/]+$/.test(p.location));
}

const semverPattern = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Semver precedence of two plain versions (no ranges): negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [semverPattern.exec(a), semverPattern.exec(b)];
  if (!x || !y) throw new Error(`not a semver version: ${!x ? a : b}`);
  for (let i = 1; i <= 3; i++) if (Number(x[i]) !== Number(y[i])) return Number(x[i]) - Number(y[i]);
  // A pre-release sorts below its release; two pre-releases compare as text (good enough here).
  if (x[4] === y[4]) return 0;
  if (x[4] === undefined) return 1;
  if (y[4] === undefined) return -1;
  return x[4] < y[4] ? -1 : 1;
}

/** Why `version` is not on upstream's release line, or undefined when it is. */
export function releaseLineProblem(name: string, version: string, distTags: Readonly<Record<string, string>>): string | undefined {
  if (!semverPattern.test(version)) return `${name}@${version}: not a plain semver version`;
  if (Object.values(distTags).includes(version)) return undefined;
  const latest = distTags.latest;
  if (!latest) return `${name}: the registry has no "latest" dist-tag to compare ${version} with`;
  if (compareVersions(version, latest) > 0) {
    return `${name}@${version} is above the "latest" dist-tag (${latest}) and no dist-tag names it: not a version upstream released on its line (a mis-numbered publish?); use ${latest}`;
  }
  return undefined;
}

/** The registry's dist-tags, through npm itself (same registry and auth as `npm ci`). */
function distTagsOf(name: string): Record<string, string> {
  const out = execFileSync("npm", ["view", name, "dist-tags", "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out) as Record<string, string>;
}

function main(): number {
  const root = path.resolve(__dirname, "..");
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
  const packages = lockedPulumiPackages(lock);
  const tags = new Map<string, Record<string, string>>();
  const problems: string[] = [];
  for (const p of packages) {
    if (!tags.has(p.name)) tags.set(p.name, distTagsOf(p.name));
    const problem = releaseLineProblem(p.name, p.version, tags.get(p.name) ?? {});
    if (problem) problems.push(`${p.location}: ${problem}`);
  }
  for (const problem of problems) console.error(`pulumi-releases: ${problem}`);
  if (problems.length === 0) console.log(`pulumi-releases: ${packages.length} @pulumi/* packages in package-lock.json, all on their upstream release line`);
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) process.exit(main());
