/**
 * The Pulumi project and stack config, read the way the Pulumi CLI would hand them to the program:
 * keys "namespace:key", values strings (objects JSON-encoded), plus the list of secret keys. The
 * stack file itself is read by config/stack-file.ts, the project's one stack-file reader.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { asProgramConfig, readStackFileConfig, StackFileError } from "../../config/stack-file";

export interface ProjectInfo {
  readonly name: string;
  readonly root: string;
  /** Absolute path of the program's entry module. */
  readonly main: string;
  readonly stackConfigDir: string;
  /** Project-level config defaults from Pulumi.yaml, as "namespace:key" → value. */
  readonly defaults: Readonly<Record<string, unknown>>;
}

export interface StackConfig {
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/** A problem the user fixes in a file (not a bug in the plan): the CLI prints it as one line. */
export class PlanInputError extends Error {
  override readonly name = "PlanInputError";
}

export function readProject(root: string): ProjectInfo {
  const file = path.join(root, "Pulumi.yaml");
  if (!fs.existsSync(file)) throw new PlanInputError(`no Pulumi.yaml in ${root} (use --cwd to point at the project)`);
  const doc = asRecord(parse(fs.readFileSync(file, "utf8")), file);
  const name = doc.name;
  if (typeof name !== "string" || name === "") throw new PlanInputError(`${file}: missing "name"`);
  let main = path.resolve(root, typeof doc.main === "string" ? doc.main : ".");
  if (fs.existsSync(main) && fs.statSync(main).isDirectory()) main = path.join(main, "index.ts");
  const stackConfigDir = path.resolve(root, typeof doc.stackConfigDir === "string" ? doc.stackConfigDir : ".");
  const defaults: Record<string, unknown> = {};
  const projectConfig = typeof doc.config === "object" && doc.config !== null ? (doc.config as Record<string, unknown>) : {};
  for (const [key, spec] of Object.entries(projectConfig)) {
    // Pulumi.yaml config entries are a bare value, or an object with `value` or a schema `default`.
    const isSchema = typeof spec === "object" && spec !== null && !Array.isArray(spec);
    const value = isSchema ? ((spec as Record<string, unknown>).value ?? (spec as Record<string, unknown>).default) : spec;
    if (value !== undefined) defaults[qualify(key, name)] = value;
  }
  return { name, root, main, stackConfigDir, defaults };
}

/**
 * Pulumi.<stack>.yaml → config for `runtime.setAllConfig`. `secure:` values are ciphertext only
 * the Pulumi CLI can decrypt; the plan substitutes a placeholder and keeps the key secret, so the
 * program still sees a secret of the right type.
 */
export function readStackConfig(project: ProjectInfo, stack: string, overrides: Readonly<Record<string, unknown>> = {}): StackConfig {
  const file = path.join(project.stackConfigDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new PlanInputError(`stack config not found: ${path.relative(process.cwd(), file) || file}`);
  const values: Record<string, unknown> = { ...project.defaults };
  for (const [key, value] of Object.entries(stackFileConfig(file))) values[qualify(key, project.name)] = value;
  for (const [key, value] of Object.entries(overrides)) {
    const qualified = qualify(key, project.name);
    if (value === undefined) delete values[qualified];
    else values[qualified] = value;
  }

  const plain: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const secure = { found: false };
    plain[key] = replaceSecure(value, key, secure);
    if (secure.found) secretKeys.push(key);
  }
  return { config: asProgramConfig(plain), secretKeys };
}

/** The stack file's `config:`; a malformed file is the user's to fix, so it is a PlanInputError. */
function stackFileConfig(file: string): Record<string, unknown> {
  try {
    return readStackFileConfig(file);
  } catch (err) {
    if (err instanceof StackFileError) throw new PlanInputError(err.message);
    throw err;
  }
}

function replaceSecure(value: unknown, where: string, secure: { found: boolean }): unknown {
  if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, `${where}[${i}]`, secure));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (Object.keys(record).length === 1 && typeof record.secure === "string") {
    secure.found = true;
    return `plan-placeholder-secret:${where}`;
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, replaceSecure(v, `${where}.${k}`, secure)]));
}

function qualify(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new PlanInputError(`${where}: expected a YAML mapping`);
  }
  return value as Record<string, unknown>;
}
