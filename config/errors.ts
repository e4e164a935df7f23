import * as pulumi from "@pulumi/pulumi";

/**
 * Every problem found in the stack's configuration or secrets, one line each.
 *
 * Extends `pulumi.RunError` because the Pulumi CLI prints a RunError's message without a stack
 * trace; the offline plan catches it and prints `problems` the same way. Lines never contain a
 * secret value: callers name the key or file, not its content.
 */
export class ConfigError extends pulumi.RunError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof Error && err.name === "ConfigError" && Array.isArray((err as ConfigError).problems);
}
