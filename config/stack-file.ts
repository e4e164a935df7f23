import * as fs from "node:fs";
import * as YAML from "yaml";

/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program: a flat map of
 * `namespace:key` to text, objects JSON-encoded. Used by the offline plan and by tests, so both
 * see exactly what `pulumi preview` would.
 */
export function readStackConfigFile(file: string): Record<string, string> {
  const document = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(document?.config ?? {})) {
    raw[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return raw;
}
