import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runStackPlan, type PlanResult } from "../../helpers";
import { startVictoriaLogs, type LocalVictoriaLogs } from "../../../tools/local/victoria-logs";
import { victoriaLogsValuesOf } from "../../../tools/local/plan-parts";
import { toolPath } from "../../../tools/toolchain/paths";

/**
 * One VictoriaLogs per test file, started with the flags the pinned chart renders from the values
 * the `home` stack's plan passes to the release. Bounded: it stops itself after `lifetimeSeconds`
 * even if the runner dies; `stop()` removes its data.
 */
export interface VictoriaLogsHarness {
  readonly plan: PlanResult;
  readonly vl: LocalVictoriaLogs;
  readonly workDir: string;
  stop(): Promise<void>;
}

export async function startHarness(name: string, lifetimeSeconds = 600): Promise<VictoriaLogsHarness> {
  const binary = toolPath("victorialogs", "victoria-logs");
  const plan = await runStackPlan("home");
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `vl-${name}-`));
  const vl = await startVictoriaLogs({ binary, values: victoriaLogsValuesOf(plan.resources), dataDir: path.join(workDir, "data"), lifetimeSeconds });
  return {
    plan,
    vl,
    workDir,
    stop: async () => {
      await vl.server.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns true (data is searchable about a second after ingestion). */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
