import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { checkerCommand, checkerVersion } from "../../tools/checkers";

/**
 * Runs `amtool` against an Alertmanager config object. `AMTOOL` names the binary: .ci/run sets it
 * to the toolchain's amtool v0.34.0 (versions.ts `toolchain.alertmanager`, the chart's
 * Alertmanager). Without it, `amtool` on PATH runs (Debian package `prometheus-alertmanager`, 0.25;
 * the configs checked here use no field newer than that: Discord arrived in 0.25). check-config
 * output starts with the amtool version that produced it. A missing amtool fails the test with
 * instructions; it never skips, since a skipped check would pass while checking nothing.
 */

export interface AmtoolResult {
  readonly ok: boolean;
  readonly output: string;
}

const installHint =
  "amtool not found: set AMTOOL to the toolchain's build (tools/toolchain/install.sh alertmanager; install.sh --list shows where), or install the Debian package prometheus-alertmanager (apt-get install -y prometheus-alertmanager)";

/** A syntactically valid Discord webhook URL that reaches nothing, standing in for the Secret's value in tests. */
export const standInDiscordWebhookUrl = "https://discord.com/api/webhooks/0/amtool-stand-in";

function runAmtool(args: string[]): AmtoolResult & { readonly command: string } {
  const command = checkerCommand("amtool");
  // env passed explicitly: the PATH amtool is looked up in is the one this process sees.
  const result = spawnSync(command, args, { encoding: "utf8", env: process.env });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(installHint);
    throw result.error;
  }
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`, command };
}

function withConfigFile<T>(config: unknown, body: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amtool-"));
  const file = path.join(dir, "alertmanager.yml");
  try {
    fs.writeFileSync(file, YAML.stringify(config));
    return body(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `amtool check-config` on `config`. */
export function amtoolCheckConfig(config: unknown): AmtoolResult {
  return withConfigFile(config, (file) => {
    const { ok, output, command } = runAmtool(["check-config", file]);
    return { ok, output: `${checkerVersion(command)}\n${output}` };
  });
}

/** The receivers an alert with `labels` is routed to, per `amtool config routes test`. */
export function amtoolRoute(config: unknown, labels: Readonly<Record<string, string>>): string[] {
  return withConfigFile(config, (file) => {
    const result = runAmtool(["config", "routes", "test", `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
    if (!result.ok) throw new Error(`amtool config routes test failed (${checkerVersion(result.command)}):\n${result.output}`);
    // stdout is the comma-separated receiver list; stderr only carries flag warnings.
    const receivers = result.output
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("Warning:"))
      .join(",");
    return receivers.split(",").map((name) => name.trim()).filter((name) => name !== "");
  });
}
