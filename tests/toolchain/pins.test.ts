import * as fs from "node:fs";
import * as path from "node:path";
import { toolchain } from "../../versions";
import { repoRoot, stackConfig } from "../workflows/workflow-files";

/**
 * The toolchain pins that must equal something else (versions.ts header): checked here so a
 * Renovate bump of one side fails until the other follows.
 */

const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version: string }>;
};
const locked = (pkg: string) => lock.packages[`node_modules/${pkg}`]?.version;

function semver(v: string): number[] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v);
  if (!m) throw new Error(`not a release version: ${v}`);
  return m.slice(1).map(Number);
}
const notOlder = (a: number[], b: number[]) => a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] >= b[2];

describe("toolchain pins", () => {
  it("Talos' machinery (the live suite's config validation) is the Talos release the stacks run", () => {
    const releases = new Set((["home", "lab"] as const).map((stack) => stackConfig(stack)["home-platform:cluster"].talosVersion).filter(Boolean));
    expect([...releases]).toEqual([toolchain["talos-machinery"].version]);
  });

  it("the Pulumi CLI is not older than the @pulumi/pulumi SDK in the lock file (a newer engine runs an older SDK)", () => {
    const sdk = locked("@pulumi/pulumi");
    expect(sdk).toBeDefined();
    expect([toolchain.pulumi.version, sdk, notOlder(semver(toolchain.pulumi.version), semver(sdk!))]).toEqual([toolchain.pulumi.version, sdk, true]);
  });

  it("every pinned tool builds at least one binary and names a Go module", () => {
    for (const [tool, pin] of Object.entries(toolchain)) {
      expect([tool, pin.binaries.length > 0, /^[a-z0-9.-]+\/[^\s]+$/.test(pin.module)]).toEqual([tool, true, true]);
    }
  });

  it("every tool has its build script", () => {
    for (const tool of Object.keys(toolchain)) {
      expect([tool, fs.existsSync(path.join(repoRoot, "tools", "toolchain", "tools", `${tool}.sh`))]).toEqual([tool, true]);
    }
  });
});
