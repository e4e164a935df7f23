import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { runnersSchema, type RunnersConfig } from "../../../config/schema/runners";
import { repoRoot } from "../../helpers";

/** The runners section of a committed stack file, validated and defaulted as the program does. */
export function runnersConfig(stack: "home" | "lab", overrides: Record<string, unknown> = {}): RunnersConfig {
  const file = path.join(repoRoot, `Pulumi.${stack}.yaml`);
  const { config } = YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, Record<string, unknown>> };
  return runnersSchema.parse({ ...config["home-platform:runners"], ...overrides });
}
