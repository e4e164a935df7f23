/**
 * `npm run bench` part for Alertmanager: resident memory of the pinned Alertmanager running our
 * route (the global AlertmanagerConfig, translated as the operator does for the fields we use)
 * while Prometheus-like clients keep re-sending a set of firing alerts, and a local receiver
 * takes the Discord notifications. Compared with the memory request of our sizing default
 * (config/schema/observability.ts `alertmanager.resources`), which must sit above the peak.
 *
 * Standalone: `node --require @swc-node/register tools/bench/alertmanager.ts [--seconds 60] [--alerts 300]`.
 * Needs the toolchain (tools/toolchain/install.sh alertmanager).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { observabilitySchema } from "../../config/schema/observability";
import { toolPath } from "../toolchain/paths";
import { runPlan } from "../plan/engine";

export interface AlertmanagerBenchOptions {
  readonly stack: string;
  readonly cwd?: string;
  readonly seconds: number;
  /** Distinct firing alerts, spread over namespaces and alert names so the route makes many groups. */
  readonly alerts: number;
}

export interface AlertmanagerMeasurement {
  readonly component: string;
  readonly peakMiB: number;
  readonly endMiB: number;
  readonly requestMiB: number;
  readonly note: string;
}

/**
 * Peak RSS the last run measured (2026-12, Alertmanager v0.34.0, home route, 300 alerts re-sent
 * every 15 s for 60 s, 20 Discord notifications): config/schema/observability.ts cites it and
 * tests/tools/bench-sizing-alertmanager.test.ts keeps the default request above it.
 */
export const lastMeasuredPeakMiB = 43;

/** The memory request of our sizing default for Alertmanager, MiB. */
export function alertmanagerRequestMiB(): number {
  return quantityMiB(observabilitySchema.shape.alertmanager.parse({}).resources.requests.memory);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function procStatusKiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
}

function quantityMiB(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`bench: cannot read memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === "Gi" ? 1024 : 1);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function benchAlertmanager(options: AlertmanagerBenchOptions): Promise<AlertmanagerMeasurement> {
  const plan = await runPlan({ stack: options.stack, cwd: options.cwd });
  const amc = plan.resources.find((r) => r.type === "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig");
  if (!amc) throw new Error(`bench: the ${options.stack} plan creates no AlertmanagerConfig`);
  const requestMiB = alertmanagerRequestMiB();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-am-"));
  // The receiver stands in for Discord; counting deliveries shows the route really notified.
  let delivered = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      delivered++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const webhook = `http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}/api/webhooks/1/bench`;
  fs.writeFileSync(path.join(dir, "alertmanager.yaml"), YAML.stringify(alertmanagerYaml((amc.inputs as { spec: AmcSpec }).spec, webhook)));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn("timeout", ["-k", "5", String(options.seconds + 120), toolPath("alertmanager", "alertmanager"),
    `--config.file=${path.join(dir, "alertmanager.yaml")}`, `--storage.path=${path.join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address="], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  try {
    const deadline = Date.now() + 60_000;
    while (!(await fetch(`${url}/-/ready`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`alertmanager did not start: ${stderr.trim().split("\n").pop()}`);
      await sleep(500);
    }
    // `timeout` is the child; the Alertmanager process is its only child.
    const pid = Number(fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(/\s+/)[0]);
    const alerts = Array.from({ length: options.alerts }, (_, i) => ({
      labels: { alertname: `BenchAlert${i % 20}`, namespace: `ns-${i % 10}`, severity: i % 3 === 0 ? "critical" : "warning", instance: `host-${i}` },
      annotations: { summary: `bench alert ${i}`, description: "x".repeat(200) },
    }));
    // Prometheus re-sends every firing alert each evaluation; 15 s is a typical interval.
    const end = Date.now() + options.seconds * 1000;
    while (Date.now() < end) {
      const endsAt = new Date(Date.now() + 4 * 60_000).toISOString();
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(alerts.map((a) => ({ ...a, endsAt }))),
      });
      if (!response.ok) throw new Error(`POST /api/v2/alerts: HTTP ${response.status}`);
      await sleep(Math.min(15_000, Math.max(0, end - Date.now())));
    }
    return {
      component: "Alertmanager",
      peakMiB: Math.round(procStatusKiB(pid, "VmHWM") / 1024),
      endMiB: Math.round(procStatusKiB(pid, "VmRSS") / 1024),
      requestMiB,
      note: `${options.alerts} firing alerts re-sent every 15 s for ${options.seconds} s, ${delivered} notifications delivered`,
    };
  } finally {
    child.kill("SIGTERM");
    receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Matcher { name: string; value: string; matchType?: string }
interface AmcRoute { receiver?: string; groupBy?: string[]; groupWait?: string; groupInterval?: string; repeatInterval?: string; matchers?: Matcher[]; continue?: boolean; routes?: AmcRoute[] }
interface AmcSpec {
  route: AmcRoute;
  receivers: { name: string; discordConfigs?: { apiURL: unknown; sendResolved?: boolean }[] }[];
  inhibitRules?: { sourceMatch?: Matcher[]; targetMatch?: Matcher[]; equal?: string[] }[];
}

/**
 * The Alertmanager configuration the operator generates from our global AlertmanagerConfig, for
 * the fields we use (the live suite checks the operator's own output; the bench has no cluster).
 * Discord's apiURL Secret becomes the stand-in `webhook`. Unknown fields throw, so the bench
 * cannot silently measure a different route from the one we deploy.
 */
export function alertmanagerYaml(spec: AmcSpec, webhook: string): object {
  const known = (object: object, keys: string[], where: string) => {
    const extra = Object.keys(object).filter((key) => !keys.includes(key));
    if (extra.length > 0) throw new Error(`bench: AlertmanagerConfig ${where} has fields the bench does not translate: ${extra.join(", ")}`);
  };
  const matchers = (list: Matcher[] = []) => list.map((m) => `${m.name}${m.matchType ?? "="}${JSON.stringify(m.value)}`);
  const route = (r: AmcRoute): object => {
    known(r, ["receiver", "groupBy", "groupWait", "groupInterval", "repeatInterval", "matchers", "continue", "routes"], "route");
    return {
      ...(r.receiver ? { receiver: r.receiver } : {}),
      ...(r.groupBy ? { group_by: r.groupBy } : {}),
      ...(r.groupWait ? { group_wait: r.groupWait } : {}),
      ...(r.groupInterval ? { group_interval: r.groupInterval } : {}),
      ...(r.repeatInterval ? { repeat_interval: r.repeatInterval } : {}),
      ...(r.matchers ? { matchers: matchers(r.matchers) } : {}),
      ...(r.continue !== undefined ? { continue: r.continue } : {}),
      ...(r.routes ? { routes: r.routes.map(route) } : {}),
    };
  };
  known(spec, ["route", "receivers", "inhibitRules"], "spec");
  return {
    route: route(spec.route),
    receivers: spec.receivers.map((receiver) => {
      known(receiver, ["name", "discordConfigs"], "receiver");
      return {
        name: receiver.name,
        ...(receiver.discordConfigs
          ? { discord_configs: receiver.discordConfigs.map((d) => (known(d, ["apiURL", "sendResolved"], "discordConfig"), { webhook_url: webhook, send_resolved: d.sendResolved ?? false })) }
          : {}),
      };
    }),
    inhibit_rules: (spec.inhibitRules ?? []).map((rule) => {
      known(rule, ["sourceMatch", "targetMatch", "equal"], "inhibitRule");
      return { source_matchers: matchers(rule.sourceMatch), target_matchers: matchers(rule.targetMatch), ...(rule.equal ? { equal: rule.equal } : {}) };
    }),
  };
}

export function reportAlertmanager(m: AlertmanagerMeasurement): string {
  const verdict = m.requestMiB >= m.peakMiB ? `request ${m.requestMiB} MiB = ${(m.requestMiB / m.peakMiB).toFixed(1)}x peak` : `REQUEST ${m.requestMiB} MiB BELOW PEAK`;
  return `${m.component.padEnd(22)} peak RSS ${String(m.peakMiB).padStart(4)} MiB, end ${String(m.endMiB).padStart(4)} MiB; ${verdict} (${m.note})\n`;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (flag: string, fallback: number) => (args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : fallback);
  const stack = args.includes("--stack") ? args[args.indexOf("--stack") + 1] : "home";
  benchAlertmanager({ stack, seconds: value("--seconds", 60), alerts: value("--alerts", 300) })
    .then((m) => {
      process.stdout.write(reportAlertmanager(m));
      process.exit(m.requestMiB >= m.peakMiB ? 0 : 1);
    })
    .catch((err: Error) => {
      process.stderr.write(`bench: ${err.message}\n`);
      process.exit(1);
    });
}
