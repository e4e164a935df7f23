import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";

/**
 * Runs `amtool` (Debian package `prometheus-alertmanager`) against an Alertmanager config object.
 * A missing amtool fails the test with instructions; it never skips, since a skipped check would
 * pass while checking nothing.
 *
 * Debian's amtool is 0.25; the configs checked here use no field newer than that (Discord arrived in
 * 0.25), so they are checked as they are.
 */

export interface AmtoolResult {
  readonly ok: boolean;
  readonly output: string;
}

const installHint =
  "amtool not found: install the Debian package prometheus-alertmanager (apt-get install -y prometheus-alertmanager); CI installs it";

/** A syntactically valid Discord webhook URL that reaches nothing, standing in for the Secret's value in tests. */
export const standInDiscordWebhookUrl = "https://discord.com/api/webhooks/0/amtool-stand-in";

function runAmtool(args: string[]): AmtoolResult {
  // env passed explicitly: the PATH amtool is looked up in is the one this process sees.
  const result = spawnSync("amtool", args, { encoding: "utf8", env: process.env });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(installHint);
    throw result.error;
  }
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
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
  return withConfigFile(config, (file) => runAmtool(["check-config", file]));
}

/** The receivers an alert with `labels` is routed to, per `amtool config routes test`. */
export function amtoolRoute(config: unknown, labels: Readonly<Record<string, string>>): string[] {
  return withConfigFile(config, (file) => {
    const result = runAmtool(["config", "routes", "test", `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
    if (!result.ok) throw new Error(`amtool config routes test failed:\n${result.output}`);
    // stdout is the comma-separated receiver list; stderr only carries flag warnings.
    const receivers = result.output
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("Warning:"))
      .join(",");
    return receivers.split(",").map((name) => name.trim()).filter((name) => name !== "");
  });
}
