import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { toolchain } from "../../versions";
import { toolPath, type ToolName } from "../../tools/toolchain/paths";

/**
 * Every pinned tool is installed and was built from what it is labelled with: a build carrying a
 * version it is not would pass every other live test while testing the wrong thing.
 */

const tools = Object.entries(toolchain) as [ToolName, { module: string; version: string; moduleVersion?: string; binaries: readonly string[] }][];

/** `go version -m`: the main module and dependencies a Go binary was built from. */
function buildModules(binary: string): Map<string, string> {
  const out = execFileSync("go", ["version", "-m", fs.realpathSync(binary)], { encoding: "utf8" });
  const modules = new Map<string, string>();
  for (const line of out.split("\n")) {
    const m = /^\t(?:mod|dep)\t(\S+)\t(\S+)/.exec(line);
    if (m) modules.set(m[1], m[2]);
  }
  return modules;
}

describe("toolchain", () => {
  it.each(tools.flatMap(([tool, pin]) => pin.binaries.map((binary) => [tool, binary, pin] as const)))(
    "%s: %s is built from the pinned module version",
    (tool, binary, pin) => {
      const built = buildModules(toolPath(tool, binary)).get(pin.module);
      // "(devel)": a binary built inside the tool's own repository (an operator's release build).
      expect([tool, built === "(devel)" ? pin.moduleVersion ?? pin.version : built]).toEqual([tool, pin.moduleVersion ?? pin.version]);
    },
  );

  it("pulumi reports its pinned version", () => {
    const version = execFileSync(toolPath("pulumi"), ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
    expect(version.trim()).toBe(toolchain.pulumi.version);
  });

  it("actionlint reports its pinned version", () => {
    expect(execFileSync(toolPath("actionlint"), ["-version"], { encoding: "utf8" }).split("\n")[0]).toBe(toolchain.actionlint.version);
  });
});
