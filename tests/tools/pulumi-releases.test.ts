import * as fs from "node:fs";
import * as path from "node:path";
import { compareVersions, lockedPulumiPackages, releaseLineProblem } from "../../tools/pulumi-releases";

/**
 * Issue 9 item 1: @pulumi/command 4.5.0 is a mis-numbered npm publish (upstream v0.5.0 code; its
 * install script asks for a `pulumi-resource-command` v4.5.0 plugin upstream never released). The
 * registry half of the check runs in CI (`npm run check:pulumi-releases`, from .ci/run); these
 * tests need no network. Renovate's rule against 4.5.0 is tested in tests/workflows/renovate.test.ts.
 */

const root = path.resolve(__dirname, "..", "..");
const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));

describe("the release-line rule", () => {
  // dist-tags as `npm view @pulumi/command dist-tags` answers them.
  const commandTags = { latest: "1.2.1" };

  test("rejects a locked version above `latest` that no dist-tag names (the 4.5.0 publish)", () => {
    expect(releaseLineProblem("@pulumi/command", "4.5.0", commandTags)).toMatch(/above the "latest" dist-tag \(1\.2\.1\).*use 1\.2\.1/);
  });

  test("accepts `latest`, older releases and versions a named dist-tag points to", () => {
    expect(releaseLineProblem("@pulumi/command", "1.2.1", commandTags)).toBeUndefined();
    expect(releaseLineProblem("@pulumi/command", "1.1.3", commandTags)).toBeUndefined();
    expect(releaseLineProblem("@pulumi/pulumi", "3.300.0-alpha.1", { latest: "3.270.0", dev: "3.300.0-alpha.1" })).toBeUndefined();
  });

  test("rejects what it cannot compare", () => {
    expect(releaseLineProblem("@pulumi/command", "v4.5.0", commandTags)).toMatch(/not a plain semver/);
    expect(releaseLineProblem("@pulumi/command", "1.0.0", {})).toMatch(/no "latest" dist-tag/);
  });

  test("compares by semver precedence, not as text", () => {
    expect(compareVersions("1.10.0", "1.9.9")).toBeGreaterThan(0);
    expect(compareVersions("1.2.1-alpha.1", "1.2.1")).toBeLessThan(0);
    expect(compareVersions("4.34.2", "4.34.2")).toBe(0);
  });
});

describe("package-lock.json", () => {
  const packages = lockedPulumiPackages(lock);

  test("locks @pulumi/command on upstream's 1.x line, exactly as package.json pins it", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    expect(pkg.dependencies["@pulumi/command"]).toBe("1.2.1");
    expect(packages.filter((p) => p.name === "@pulumi/command").map((p) => p.version)).toEqual(["1.2.1"]);
  });

  test("every @pulumi/* package is found, at any depth, with a plain version", () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(["@pulumi/pulumi", "@pulumi/command", "@pulumi/kubernetes", "@pulumi/tls"]));
    for (const p of packages) expect([p.location, p.version]).toEqual([p.location, expect.stringMatching(/^\d+\.\d+\.\d+/)]);
  });

  test("every installed provider package asks the engine for the plugin release it is", () => {
    // The engine loads `pulumi-resource-<name>` at `pulumi.version` (the install script downloads
    // the same). 4.5.0 had no `pulumi.version` and asked for "v4.5.0", a release that never existed.
    const checked: string[] = [];
    for (const p of packages) {
      const manifest = JSON.parse(fs.readFileSync(path.join(root, p.location, "package.json"), "utf8"));
      if (!manifest.pulumi?.resource) continue;
      checked.push(p.name);
      expect([p.name, manifest.version, manifest.pulumi.version]).toEqual([p.name, p.version, p.version]);
      const install: string | undefined = manifest.scripts?.install;
      if (install) expect([p.name, install.split(/\s+/).pop()]).toEqual([p.name, p.version]);
    }
    expect(checked).toEqual(expect.arrayContaining(["@pulumi/command", "@pulumi/kubernetes", "@pulumi/tls"]));
  });
});

describe("CI", () => {
  test("CI runs the registry half of the check after npm ci", () => {
    const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
    const lines = ci.split("\n");
    const npmCi = lines.findIndex((l) => /^npm ci\b/.test(l));
    const check = lines.findIndex((l) => /^npm run (--silent )?check:pulumi-releases\b/.test(l));
    expect(npmCi).toBeGreaterThanOrEqual(0);
    expect(check).toBeGreaterThan(npmCi);
  });
});
