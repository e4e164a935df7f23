import * as fs from "node:fs";
import * as YAML from "yaml";

/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program: a flat map of
 * `namespace:key` to text, objects JSON-encoded. For tests that parse fixture stack files directly;
 * the offline plan's own reader (tools/plan/project.ts) also applies Pulumi.yaml defaults and
 * `secure:` placeholders.
 */
export function readStackConfigFile(file: string): Record<string, string> {
  const document = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(document?.config ?? {})) {
    raw[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return raw;
}
