import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { sharedDir } from "../shared-path";
import { mergeChartValues, victoriaLogsArgs } from "../../stacks/observability/logging/chart-args";
import { charts } from "../../versions";
import { freePort, httpOk, startServer, type LocalServer } from "./process";

/**
 * VictoriaLogs on loopback, started with the flags the pinned chart renders from our values
 * (stacks/observability/logging/chart-args.ts). Only what cannot be the same outside a pod is
 * changed: the listen addresses (127.0.0.1 and free high ports instead of :9428 and :514) and the
 * data path (a temporary directory instead of the volume's /storage).
 */

export interface LocalVictoriaLogs {
  readonly server: LocalServer;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** One port number for both syslog listeners (TCP and UDP), as the chart's `:514` for both. */
  readonly syslogPort: number;
  /** The flags as the chart renders them, before the local substitutions. */
  readonly chartArgs: readonly string[];
  /** The flags the server was started with. */
  readonly args: readonly string[];
}

/** The pinned chart's values.yaml, from the shared reference copy. */
export function victoriaLogsChartDefaults(): Record<string, unknown> {
  const pin = charts.victoriaLogsSingle;
  const file = sharedDir("reference", "charts", `${pin.chart}-${pin.version}`, "values.yaml");
  return YAML.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
}

/** Flags whose value is replaced locally; each must appear exactly once in the chart's args. */
const localFlags = ["httpListenAddr", "syslog.listenAddr.tcp", "syslog.listenAddr.udp", "storageDataPath"] as const;

export function localArgs(chartArgs: readonly string[], local: Record<(typeof localFlags)[number], string>): string[] {
  for (const flag of localFlags) {
    const count = chartArgs.filter((arg) => arg.startsWith(`--${flag}=`)).length;
    if (count !== 1) throw new Error(`the chart renders --${flag} ${count} times; the local run replaces exactly one`);
  }
  return chartArgs.map((arg) => {
    const flag = localFlags.find((name) => arg.startsWith(`--${name}=`));
    return flag ? `--${flag}=${local[flag]}` : arg;
  });
}

export interface StartVictoriaLogsOptions {
  /** victoria-logs binary (the pinned build). */
  readonly binary: string;
  /** Our values for victoria-logs-single, as the program passes them to the Helm release. */
  readonly values: Record<string, unknown>;
  /** Empty directory for the data. */
  readonly dataDir: string;
  readonly lifetimeSeconds: number;
}

export async function startVictoriaLogs(options: StartVictoriaLogsOptions): Promise<LocalVictoriaLogs> {
  const chartArgs = victoriaLogsArgs(mergeChartValues(victoriaLogsChartDefaults(), options.values));
  const httpPort = await freePort();
  const syslogPort = await freePort();
  const args = localArgs(chartArgs, {
    httpListenAddr: `127.0.0.1:${httpPort}`,
    "syslog.listenAddr.tcp": `127.0.0.1:${syslogPort}`,
    "syslog.listenAddr.udp": `127.0.0.1:${syslogPort}`,
    storageDataPath: options.dataDir,
  });
  const url = `http://127.0.0.1:${httpPort}`;
  // envflag.enable is among the chart's flags: keep stray VM_* variables of the caller out.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VM_")));
  const server = await startServer({
    name: "victoria-logs",
    binary: options.binary,
    args,
    env,
    lifetimeSeconds: options.lifetimeSeconds,
    ready: () => httpOk(`${url}/health`),
  });
  return { server, url, syslogPort, chartArgs, args };
}

export interface CollectorRun {
  readonly server: LocalServer;
}

export interface CollectedFile {
  /** JSON-lines file the agent tails (stands in for one container's log file). */
  readonly path: string;
  /** The fields the Kubernetes collector would add from the pod (kubernetes.pod_namespace, ...). */
  readonly podFields: Readonly<Record<string, string>>;
}

export interface StartCollectorOptions {
  /** vlagent binary (the pinned build; the collector chart runs the same release). */
  readonly binary: string;
  /** VictoriaLogs base URL; /insert/native is appended, as the collector chart does. */
  readonly victoriaLogsUrl: string;
  readonly files: readonly CollectedFile[];
  /** The collector's stream fields, as our values set them. */
  readonly streamFields: readonly string[];
  readonly workDir: string;
  readonly lifetimeSeconds: number;
}

/**
 * vlagent sending to VictoriaLogs over the native protocol, as the collector DaemonSet does. Its
 * Kubernetes collector needs an API server to learn pod metadata, so the file collector reads the
 * lines instead: it parses JSON lines with the same JSON parser, message fields and time fields
 * (app/vlagent/filecollector/processor.go vs kubernetescollector/processor.go at v1.52.1), and the
 * pod's fields are added as extra fields. The CRI prefix the kubelet writes is not there: the
 * Kubernetes collector strips it before parsing.
 */
export async function startCollector(options: StartCollectorOptions): Promise<CollectorRun> {
  const httpPort = await freePort();
  const args = [
    `-httpListenAddr=127.0.0.1:${httpPort}`,
    `-remoteWrite.url=${options.victoriaLogsUrl}/insert/native`,
    "-remoteWrite.flushInterval=1s",
    `-tmpDataPath=${path.join(options.workDir, "tmp")}`,
    "-fileCollector.refreshInterval=1s",
    `-fileCollector.streamFields=${options.streamFields.join(",")}`,
    // Neither exists for container logs: the Kubernetes collector adds no file or host field.
    "-fileCollector.fileField=",
    "-fileCollector.hostnameField=",
    // Array flags: the Nth extraFields belongs to the Nth glob.
    ...options.files.flatMap((file) => [`-fileCollector.glob=${file.path}`, `-fileCollector.extraFields=${JSON.stringify(file.podFields)}`]),
  ];
  const server = await startServer({
    name: "vlagent",
    binary: options.binary,
    args,
    cwd: options.workDir,
    lifetimeSeconds: options.lifetimeSeconds,
    ready: () => httpOk(`http://127.0.0.1:${httpPort}/health`),
  });
  return { server };
}

/** Rows of /select/logsql/query (JSON lines). A query VictoriaLogs cannot parse throws with its message. */
export async function logsqlQuery(url: string, query: string, params: Record<string, string> = {}): Promise<Record<string, string>[]> {
  const text = await select(url, "query", { query, ...params });
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, string>);
}

/** /select/logsql/stats_query (`time`) or stats_query_range (`start`, `end`, `step`): Prometheus-style result. */
export async function logsqlStats(
  url: string,
  kind: "stats_query" | "stats_query_range",
  query: string,
  params: Record<string, string>,
): Promise<{ metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[]> {
  const body = JSON.parse(await select(url, kind, { query, ...params })) as { status: string; data: { result: any[] } };
  if (body.status !== "success") throw new Error(`${kind} failed: ${JSON.stringify(body)}`);
  return body.data.result;
}

async function select(url: string, endpoint: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(`${url}/select/logsql/${endpoint}`, { method: "POST", body: new URLSearchParams(params), signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`VictoriaLogs ${endpoint} answered ${response.status}: ${text.trim()}`);
  return text;
}
