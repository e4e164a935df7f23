import { runnersSchema, type RunnersConfig } from "../../../config/schema/runners";
import { stackFileConfig } from "../../helpers/stack-config";

/** The runners section of a committed stack file, validated and defaulted as the program does. */
export function runnersConfig(stack: "home" | "lab", overrides: Record<string, unknown> = {}): RunnersConfig {
  const section = stackFileConfig(stack)["home-platform:runners"] as Record<string, unknown>;
  return runnersSchema.parse({ ...section, ...overrides });
}
