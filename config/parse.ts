import { ConfigError } from "./errors";
import { formatIssues } from "./format";
import { platformConfigSchema, type PlatformConfig } from "./schema";

/** Validates raw stack config (`{"home-platform:cluster": "<json>", ...}`); pure, for tests too. */
export function parseStackConfig(project: string, rawConfig: Record<string, string>): PlatformConfig {
  const prefix = `${project}:`;
  const sections: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(rawConfig)) {
    if (key.startsWith(prefix)) sections[key.slice(prefix.length)] = decodeConfigValue(raw);
  }
  const result = platformConfigSchema.safeParse(sections);
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues, prefix));
  return result.data;
}

/** Pulumi hands object values over as JSON text and scalars as plain text. */
function decodeConfigValue(raw: string): unknown {
  const trimmed = raw.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return raw;
    }
  }
  return raw;
}
