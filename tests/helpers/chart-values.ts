import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { sharedDir } from "../../tools/shared-path";

/**
 * Checks Helm values we set against the pinned chart's own values.yaml (from the shared
 * reference folder), so a misspelt or moved key fails a test instead of being silently ignored
 * by Helm.
 */

/** Parsed `values.yaml` of a pinned chart, e.g. `chartDefaults("tetragon-1.7.0")`. */
export function chartDefaults(chartDir: string): Record<string, unknown> {
  const file = sharedDir("reference", "charts", chartDir, "values.yaml");
  if (!fs.existsSync(file)) throw new Error(`chart values not found: ${file}`);
  return YAML.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
}

/**
 * Dotted paths in `values` that the chart does not declare. A key is accepted when the chart
 * declares it, when the chart's default there is an empty map or a list (free-form by design,
 * like extraArgs or podAnnotations), or when its path starts with one of `freeForm` (keys the
 * chart documents only in comments; each caller says why).
 */
export function undeclaredValueKeys(values: unknown, defaults: unknown, freeForm: readonly string[] = []): string[] {
  const found: string[] = [];
  walk(values, defaults, "", freeForm, found);
  return found;
}

function walk(values: unknown, defaults: unknown, prefix: string, freeForm: readonly string[], found: string[]): void {
  if (!isMap(values)) return;
  if (!isMap(defaults) || Object.keys(defaults).length === 0) return;
  for (const [key, value] of Object.entries(values)) {
    const keyPath = prefix ? `${prefix}.${key}` : key;
    if (freeForm.some((allowed) => keyPath === allowed || keyPath.startsWith(`${allowed}.`))) continue;
    if (!(key in defaults)) {
      found.push(keyPath);
      continue;
    }
    walk(value, defaults[key], keyPath, freeForm, found);
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The chart directory name for a pin, e.g. "tetragon-1.7.0". */
export function chartDirFor(pin: { chart: string; version: string }): string {
  return path.basename(`${pin.chart}-${pin.version}`);
}

/**
 * What Helm renders from: the chart's defaults coalesced with our values, as Helm's coalesceValues
 * does it. Maps merge key by key, lists and scalars replace, and a null deletes the default key
 * (the documented way to drop a chart default). Checks on the result see what the chart sees.
 */
export function helmMerge(defaults: unknown, values: unknown): unknown {
  if (!isMap(values)) return structuredClone(values);
  const merged: Record<string, unknown> = isMap(defaults) ? structuredClone(defaults) : {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null) delete merged[key];
    else merged[key] = isMap(value) && isMap(merged[key]) ? helmMerge(merged[key], value) : helmMerge(undefined, value);
  }
  return merged;
}
