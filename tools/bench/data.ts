/**
 * `npm run bench` part for the data components: resident memory of the pinned VictoriaLogs while
 * it ingests a steady syslog stream with our chart flags, and of Thanos Query (with the store
 * gateway it fans out to) started with our chart's query flags against the local S3 server. The
 * numbers are compared with the requests in our sizing defaults (config/schema/observability.ts),
 * which must sit above them.
 *
 * Standalone: `node --require @swc-node/register tools/bench/data.ts [--seconds 60] [--rate 200]`.
 * Needs the toolchain (tools/toolchain/install.sh victorialogs thanos seaweedfs) and the shared
 * reference folder (HOME_PLATFORM_SHARED) for the chart defaults.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { observabilitySchema } from "../../config/schema/observability";
import { toolPath } from "../toolchain/paths";
import { runPlan } from "../plan/engine";
import { victoriaLogsValuesOf } from "../local/plan-parts";
import { sleep } from "../local/process";
import { logsqlQuery, startVictoriaLogs } from "../local/victoria-logs";
import { sendSyslogLoad } from "./syslog-load";
import { benchThanosQuery } from "./thanos-query";

export interface DataBenchOptions {
  readonly stack: string;
  readonly cwd?: string;
  /** Syslog messages per second. */
  readonly rate: number;
  /** Length of the syslog stream and of the query load. */
  readonly seconds: number;
}

export interface MemoryMeasurement {
  readonly component: string;
  /** Highest resident set size seen (VmHWM), MiB. */
  readonly peakMiB: number;
  /** Resident set size at the end of the load, MiB. */
  readonly endMiB: number;
  /** The memory request our sizing default gives this component, MiB. */
  readonly requestMiB: number;
  readonly note: string;
}

/**
 * Peaks the bench measured last (2026-12-03, 2 shared cores; the comments next to the defaults in
 * config/schema/observability.ts say how). tests/tools/bench-sizing.test.ts keeps the default
 * requests above them; update both when a re-run moves them.
 */
export const lastMeasuredPeakMiB = { victoriaLogs: 42, thanosQuery: 73, thanosStoreGateway: 69 } as const;

const mib = (kib: number) => Math.round(kib / 1024);

function quantityMiB(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`bench: cannot read memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === "Gi" ? 1024 : 1);
}

/** The defaults of config/schema (what a stack gets without overriding resources). */
export function sizingDefaults() {
  const defaults = observabilitySchema.shape;
  const parsed = {
    victoriaLogs: defaults.victoriaLogs.shape.resources.parse(undefined),
    thanos: defaults.thanos.parse({}).resources,
  };
  return { victoriaLogsMiB: quantityMiB(parsed.victoriaLogs.requests.memory), thanosMiB: quantityMiB(parsed.thanos.requests.memory) };
}

export async function benchVictoriaLogs(options: DataBenchOptions): Promise<MemoryMeasurement> {
  const plan = await runPlan({ stack: options.stack, cwd: options.cwd });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-vl-"));
  const vl = await startVictoriaLogs({
    binary: toolPath("victorialogs", "victoria-logs"),
    values: victoriaLogsValuesOf(plan.resources),
    dataDir: path.join(workDir, "data"),
    lifetimeSeconds: options.seconds + 120,
  });
  try {
    const load = await sendSyslogLoad(vl.syslogPort, options.rate, options.seconds * 1000);
    // Let the last second of rows become searchable, then check the stream really arrived.
    await sleep(2000);
    const rows = await logsqlQuery(vl.url, "* | stats count() as n");
    const stored = Number(rows[0]?.n ?? 0);
    return {
      component: "VictoriaLogs",
      peakMiB: mib(vl.server.peakRssKiB()),
      endMiB: mib(vl.server.rssKiB()),
      requestMiB: sizingDefaults().victoriaLogsMiB,
      note: `${load.sent} syslog messages in ${load.seconds.toFixed(0)} s (${(load.sent / load.seconds).toFixed(0)}/s, UDP 3164 + TCP 5424), ${stored} stored`,
    };
  } finally {
    await vl.server.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

export function report(measurements: readonly MemoryMeasurement[]): string {
  const lines = measurements.map((m) => {
    const headroom = m.requestMiB / m.peakMiB;
    const verdict = headroom >= 1 ? `request ${m.requestMiB} MiB = ${headroom.toFixed(1)}x peak` : `REQUEST ${m.requestMiB} MiB BELOW PEAK`;
    return `${m.component.padEnd(22)} peak RSS ${String(m.peakMiB).padStart(4)} MiB, end ${String(m.endMiB).padStart(4)} MiB; ${verdict} (${m.note})`;
  });
  return `${lines.join("\n")}\n`;
}

/** Runs both measurements; returns false when a request sits below what was measured. */
export async function benchDataComponents(options: DataBenchOptions): Promise<boolean> {
  const measurements = [await benchVictoriaLogs(options), ...(await benchThanosQuery(options))];
  process.stdout.write(report(measurements));
  return measurements.every((m) => m.requestMiB >= m.peakMiB);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (flag: string, fallback: number) => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const stackIndex = args.indexOf("--stack");
  benchDataComponents({ stack: stackIndex >= 0 ? args[stackIndex + 1] : "home", rate: value("--rate", 200), seconds: value("--seconds", 60) })
    .then((ok) => process.exit(ok ? 0 : 1))
    .catch((err: Error) => {
      process.stderr.write(`bench: ${err.message}\n`);
      process.exit(1);
    });
}
