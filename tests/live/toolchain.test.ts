import { execFileSync } from "node:child_process";
import { toolchain } from "../../versions";
import { toolPath, type ToolName } from "./helpers/tools";

/**
 * Every pinned tool is installed and reports the version it is cached under: a build labelled
 * with a version it is not would pass every other live test while testing the wrong thing.
 */

const reported: Partial<Record<ToolName, (bin: string) => string>> = {
  pulumi: (bin) => execFileSync(bin, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } }).trim(),
  actionlint: (bin) => execFileSync(bin, ["-version"], { encoding: "utf8" }).split("\n")[0].trim(),
  talosctl: (bin) => /Talos (v\S+)/.exec(execFileSync(bin, ["version", "--client", "--short"], { encoding: "utf8" }))?.[1] ?? "",
};

describe("toolchain", () => {
  it.each(Object.keys(reported) as ToolName[])("%s reports its pinned version", (tool) => {
    const pin = toolchain[tool] as { version: string; binaries: readonly string[] };
    expect(reported[tool]!(toolPath(tool, pin.binaries[0]))).toBe(pin.version);
  });
});
