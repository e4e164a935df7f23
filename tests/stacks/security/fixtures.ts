import { securitySchema, type SecurityConfig } from "../../../config/schema/security";

/** A security config as the loader would produce it: `input` parsed with the schema's defaults. */
export function securityConfig(input: Record<string, unknown> = {}): SecurityConfig {
  return securitySchema.parse(input);
}

/** Ranges as index.ts passes them for the home stack (node network, Talos' pod and service defaults). */
export const homeClusterCidrs = ["192.168.35.0/24", "10.244.0.0/16", "10.96.0.0/12"];

/**
 * Prometheus' rendering of the annotation templates our alerts use: `{{ $labels.x }}` and
 * `{{ $value }}` (a float64 printed with Go's %v, which matches JavaScript's for these values).
 */
export function renderTemplate(template: string, labels: Record<string, string>, value: number): string {
  return template
    .replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_, name: string) => labels[name] ?? "")
    .replace(/\{\{ \$value \}\}/g, String(value));
}
