import type { z } from "zod";

/**
 * Turns zod issues into `config error: <key>: <problem>` lines. `<key>` is the full Pulumi config
 * key plus the path inside its value, e.g. `home-platform:cluster.nodes[1].ip`, which is what an
 * operator greps for in Pulumi.<stack>.yaml.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], keyPrefix: string): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        lines.push(line(keyPrefix, [...issue.path, key], "unknown key (check the spelling; unknown keys are rejected)"));
      }
    } else {
      lines.push(line(keyPrefix, issue.path, describe(issue)));
    }
  }
  return [...new Set(lines)];
}

/** `cluster.nodes[1].ip` from ["cluster", "nodes", 1, "ip"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => (typeof segment === "number" ? `[${segment}]` : `${index === 0 ? "" : "."}${String(segment)}`))
    .join("");
}

function line(keyPrefix: string, path: readonly PropertyKey[], message: string): string {
  return `config error: ${keyPrefix}${formatPath(path)}: ${message}`;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    // zod says "Invalid input: expected number, received undefined": say what an operator should do.
    if (/received undefined$/.test(issue.message)) return "is required";
    return issue.message.replace(/^Invalid input: /, "");
  }
  if (issue.code === "invalid_union" && issue.message === "Invalid input") return "does not match any allowed form";
  return issue.message.replace(/^Invalid input: /, "");
}
