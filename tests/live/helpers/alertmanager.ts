import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { freePorts, launch, type Running } from "./control-plane";
import { toolPath, toolVersion } from "../../../tools/toolchain/paths";

/**
 * Alertmanager (pinned build) on loopback with a given configuration, and an HTTP receiver that
 * stands in for Discord's webhook endpoint and records what it is sent.
 */

export interface RunningAlertmanager {
  readonly url: string;
  readonly process: Running;
  /** POST /api/v2/alerts */
  postAlerts(alerts: readonly { labels: Record<string, string>; annotations?: Record<string, string> }[]): Promise<void>;
  /** GET /api/v2/alerts/groups */
  groups(): Promise<{ labels: Record<string, string>; receiver: { name: string }; alerts: { labels: Record<string, string> }[] }[]>;
  stop(): Promise<void>;
}

/**
 * Starts Alertmanager with `configFile` (paths inside it must already point at local files), no
 * clustering, state under `dir`. Waits for /-/ready; one line naming the version if it fails.
 */
export async function startAlertmanager(dir: string, configFile: string, lifetimeSeconds = 15 * 60): Promise<RunningAlertmanager> {
  const [port] = await freePorts(1);
  const url = `http://127.0.0.1:${port}`;
  const storage = path.join(dir, "alertmanager-data");
  fs.mkdirSync(storage, { recursive: true });
  const running = launch(dir, "alertmanager", `alertmanager ${toolVersion("alertmanager")}`, toolPath("alertmanager", "alertmanager"), lifetimeSeconds, [
    `--config.file=${configFile}`,
    `--storage.path=${storage}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // One replica: no gossip listener.
    "--cluster.listen-address=",
    "--log.level=debug",
  ]);
  await running.waitFor(60, async () => (await fetch(`${url}/-/ready`)).ok);
  return {
    url,
    process: running,
    async postAlerts(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(alerts.map((alert) => ({ ...alert, startsAt: new Date().toISOString() }))),
      });
      if (!response.ok) throw new Error(`POST /api/v2/alerts: HTTP ${response.status} ${await response.text()}`);
    },
    async groups() {
      return (await (await fetch(`${url}/api/v2/alerts/groups`)).json()) as Awaited<ReturnType<RunningAlertmanager["groups"]>>;
    },
    stop: () => running.stop(),
  };
}

export interface WebhookReceiver {
  /** Base URL; Discord webhook URLs look like BASE/api/webhooks/ID/TOKEN. */
  readonly url: string;
  readonly requests: { path: string; body: any }[];
  close(): Promise<void>;
}

/** Records every POST (JSON body) and answers 204 as Discord does. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: { path: string; body: any }[] = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body);
      } catch {
        // kept as text: the assertion shows what arrived
      }
      requests.push({ path: request.url ?? "", body: parsed });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // A forgotten receiver must not keep Jest alive.
  server.unref();
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
