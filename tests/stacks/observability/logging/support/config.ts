import * as path from "node:path";
import { parseStackConfig } from "../../../../../config/parse";
import type { PlatformConfig } from "../../../../../config/schema";
import { readStackConfigFile } from "../../../../../config/stack-file";

const repoRoot = path.resolve(__dirname, "../../../../..");

/** A committed stack file, parsed and validated exactly as the program does it. */
export function stackConfig(stack: "home" | "lab"): PlatformConfig {
  return parseStackConfig("home-platform", readStackConfigFile(path.join(repoRoot, `Pulumi.${stack}.yaml`)));
}
