import * as path from "node:path";
import { parseStackConfig } from "../../config/parse";
import type { PlatformConfig } from "../../config/schema";
import { asProgramConfig, readStackFileConfig } from "../../config/stack-file";

/**
 * The committed stack files, read with the program's own reader (config/stack-file.ts) and parsed
 * with its own parser, so tests see what `pulumi up` sees.
 */

export const project = "home-platform";
export type StackName = "home" | "lab";
/** Stack config as the Pulumi CLI hands it to the program: `project:key` → string, objects JSON-encoded. */
export type RawConfig = Record<string, string>;

const repoRoot = path.resolve(__dirname, "..", "..");

/** Path of `Pulumi.<stack>.yaml` in the repository. */
export function stackFilePath(stack: StackName): string {
  return path.join(repoRoot, `Pulumi.${stack}.yaml`);
}

/** `config:` of a committed stack file as written (objects stay objects). */
export function stackFileConfig(stack: StackName): Record<string, unknown> {
  return readStackFileConfig(stackFilePath(stack));
}

export function rawStackConfig(stack: StackName): RawConfig {
  return asProgramConfig(stackFileConfig(stack));
}

/** A committed stack file, validated and defaulted exactly as the program does it. */
export function stackConfig(stack: StackName): PlatformConfig {
  return parseStackConfig(project, rawStackConfig(stack));
}

/**
 * A copy of `config` with `edit` applied to the cluster section (for sizing variations). Cloned
 * through JSON, not `structuredClone`: under Jest that returns arrays from Node's own realm, which
 * fail the SDK's `instanceof Array` and reach the engine as `{"0": ...}` objects.
 */
export function withCluster(config: PlatformConfig, edit: (cluster: PlatformConfig["cluster"]) => PlatformConfig["cluster"]): PlatformConfig {
  return { ...config, cluster: edit(JSON.parse(JSON.stringify(config.cluster)) as PlatformConfig["cluster"]) };
}
