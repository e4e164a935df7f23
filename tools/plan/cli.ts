/**
 * `npm run plan -- --stack <name> [--json FILE] [--out DIR] [--cwd DIR] [--debug]`
 *
 * Exit codes: 0 planned, 1 the program or its config failed, 2 bad command line.
 * The engine is imported only after the arguments parse, so a usage error answers instantly.
 */
import * as path from "node:path";

export const usage = "usage: npm run plan -- --stack <name> [--json FILE] [--out DIR] [--cwd DIR] [--debug]";

export interface CliArgs {
  readonly stack: string;
  readonly json?: string;
  readonly out?: string;
  readonly cwd?: string;
  readonly debug: boolean;
}

/** Parsed arguments, or the reason they do not parse. */
export function parseArgs(argv: readonly string[]): CliArgs | { error: string } {
  const values: Record<string, string> = {};
  let debug = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === "--debug" && inline === undefined) {
      debug = true;
      continue;
    }
    if (!["--stack", "--json", "--out", "--cwd"].includes(flag)) return { error: `unknown argument: ${argv[i]}` };
    const value = inline ?? argv[++i];
    if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) return { error: `${flag} needs a value` };
    values[flag.slice(2)] = value;
  }
  if (!values.stack) return { error: "--stack is required" };
  return { stack: values.stack, json: values.json, out: values.out, cwd: values.cwd, debug };
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if ("error" in args) {
    process.stderr.write(`${args.error}\n${usage}\n`);
    return 2;
  }
  if (!args.debug) {
    // Pulumi captures a stack trace for every resource and internal promise, each mapped through
    // source maps; the plan never shows them without --debug, and they cost about a fifth of its CPU.
    process.setSourceMapsEnabled(false);
    Error.stackTraceLimit = 0;
  }
  try {
    const { runPlan } = await import("./engine");
    const plan = await runPlan({ stack: args.stack, cwd: args.cwd });
    const { formatSummary } = await import("./summary");
    process.stdout.write(`${formatSummary(plan)}\n`);
    if (args.json || args.out) {
      const writers = await import("./writers");
      if (args.json) {
        writers.writeJson(args.json, plan);
        process.stdout.write(`Wrote ${args.json}\n`);
      }
      if (args.out) {
        const files = writers.writeOutDir(args.out, plan);
        process.stdout.write(`Wrote ${files.length} files under ${path.join(args.out, "{helm,kubernetes,talos}")}\n`);
      }
    }
    if (plan.policyViolations.some((violation) => violation.enforcement === "mandatory")) {
      process.stderr.write("plan: mandatory policy violations (listed above)\n");
      return 1;
    }
    return 0;
  } catch (err) {
    await reportFailure(err, args.debug);
    return 1;
  }
}

/** Config problems as the program worded them; anything else as one line (stack with --debug). */
async function reportFailure(err: unknown, debug: boolean): Promise<void> {
  const { isConfigError } = await import("../../config/errors");
  if (isConfigError(err)) {
    process.stderr.write(err.problems.map((p) => `${p}\n`).join(""));
  } else {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`plan failed: ${message.replace(/\s*\n\s*/g, " ")}\n`);
  }
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
}

if (require.main === module) {
  // main() reports its own errors and resolves to the exit code; it never rejects.
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
