import { spawnSync } from "node:child_process";

/**
 * Which binary runs an upstream checker, and the version it reports. `PROMTOOL` / `AMTOOL` name
 * the binary (.ci/run points them at the toolchain's pinned builds: the promtool of the
 * Prometheus kube-prometheus-stack deploys, the chart's amtool); without them the command is
 * looked up on PATH (Debian's packages on a workstation, older versions).
 */
export function checkerCommand(name: "promtool" | "amtool", env: NodeJS.ProcessEnv = process.env): string {
  const override = env[name.toUpperCase()];
  return override !== undefined && override !== "" ? override : name;
}

const versions = new Map<string, string>();

/**
 * "promtool 3.14.0 (/path/to/promtool)": the first line of `--version`, cut to name and version,
 * once per binary. Put in front of checker output so a failure says which version judged it.
 */
export function checkerVersion(command: string): string {
  let version = versions.get(command);
  if (version === undefined) {
    const run = spawnSync(command, ["--version"], { encoding: "utf8", timeout: 30_000 });
    const first = `${run.stdout ?? ""}${run.stderr ?? ""}`.split("\n")[0];
    const match = /^(\S+?),? version (\S+)/.exec(first);
    version = match ? `${match[1]} ${match[2]} (${command})` : `${command} (version unknown: ${first || run.error?.message || "no output"})`;
    versions.set(command, version);
  }
  return version;
}
