import { spawn } from "node:child_process";
import * as path from "node:path";

const repoRoot = path.resolve(__dirname, "..", "..");

export interface PlanCliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run plan -- <args>` as a child process (async, so several runs can overlap). */
export function runPlanCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<PlanCliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", "@swc-node/register", "tools/plan/cli.ts", ...args], { cwd: repoRoot, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
