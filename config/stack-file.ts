import * as fs from "node:fs";
import * as YAML from "yaml";

/**
 * The one reader of `Pulumi.<stack>.yaml` files. The offline plan (tools/plan/project.ts) adds
 * Pulumi.yaml defaults and `secure:` placeholders on top; tests read committed and fixture stack
 * files through it, so every reader agrees on what a stack file says.
 */

/** A stack file that is not a YAML mapping with a `config:` mapping. */
export class StackFileError extends Error {
  override readonly name = "StackFileError";
}

/** The `config:` mapping of a stack file as written (`namespace:key` → YAML value); {} when absent. */
export function readStackFileConfig(file: string): Record<string, unknown> {
  const document: unknown = YAML.parse(fs.readFileSync(file, "utf8")) ?? {};
  const config = asMapping(document, file).config ?? {};
  return asMapping(config, `${file} config`);
}

/** Config values the way the Pulumi CLI hands them to a program: text as is, anything else JSON-encoded. */
export function asProgramConfig(values: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

/** A stack file's config as the program receives it (no Pulumi.yaml defaults, `secure:` values left as written). */
export function readStackConfigFile(file: string): Record<string, string> {
  return asProgramConfig(readStackFileConfig(file));
}

function asMapping(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new StackFileError(`${where}: expected a YAML mapping`);
  return value as Record<string, unknown>;
}
