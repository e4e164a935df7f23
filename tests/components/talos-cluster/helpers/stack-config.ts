import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { parseStackConfig } from "../../../../config/parse";
import type { PlatformConfig } from "../../../../config/schema";

/**
 * Stack config as the Pulumi CLI hands it to the program: `project:key` → string, objects
 * JSON-encoded. Tests parse it with the program's own parser, so they see what `pulumi up` sees.
 */

export const project = "home-platform";
const repoRoot = path.resolve(__dirname, "..", "..", "..", "..");

export type RawConfig = Record<string, string>;

function readConfigFile(file: string): RawConfig {
  const document = YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(document.config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

export function rawStackConfig(stack: "home" | "lab"): RawConfig {
  return readConfigFile(path.join(repoRoot, `Pulumi.${stack}.yaml`));
}

export function stackConfig(stack: "home" | "lab"): PlatformConfig {
  return parseStackConfig(project, rawStackConfig(stack));
}

/**
 * A fixture under ./fixtures holds only the proxmox and cluster keys it is about; every other
 * section comes from the home stack, so fixtures don't break when other stacks' config changes.
 */
export function rawFixtureConfig(fixture: string): RawConfig {
  return { ...rawStackConfig("home"), ...readConfigFile(path.join(__dirname, "..", "fixtures", `${fixture}.yaml`)) };
}

export function fixtureConfig(fixture: string): PlatformConfig {
  return parseStackConfig(project, rawFixtureConfig(fixture));
}

/**
 * A copy of `config` with `edit` applied to the cluster section (for sizing variations). Cloned
 * through JSON, not `structuredClone`: under Jest that returns arrays from Node's own realm, which
 * fail the SDK's `instanceof Array` and reach the engine as `{"0": ...}` objects.
 */
export function withCluster(config: PlatformConfig, edit: (cluster: PlatformConfig["cluster"]) => PlatformConfig["cluster"]): PlatformConfig {
  return { ...config, cluster: edit(JSON.parse(JSON.stringify(config.cluster)) as PlatformConfig["cluster"]) };
}
