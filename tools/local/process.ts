import { spawn, type ChildProcess } from "node:child_process";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as net from "node:net";

/**
 * Servers the live suite and the bench start on loopback (VictoriaLogs, vlagent, SeaweedFS,
 * Thanos). Each runs under coreutils `timeout`, so it stops by itself even when the test runner
 * dies without cleaning up; `stop()` ends it earlier. A start failure is one line naming the
 * server and the last thing it printed.
 */

export interface LocalServer {
  readonly name: string;
  readonly pid: number;
  /** Everything the process printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resident memory in KiB of the server process itself, from /proc (Linux). */
  rssKiB(): number;
  /** Peak resident memory in KiB (VmHWM) of the server process. */
  peakRssKiB(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  /** Hard limit on the server's life; `timeout` sends SIGTERM then SIGKILL after 5 s. */
  readonly lifetimeSeconds: number;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Resolves when the server is ready; polled until `readyTimeoutMs`. */
  readonly ready: () => Promise<boolean>;
  readonly readyTimeoutMs?: number;
}

export async function startServer(options: StartOptions): Promise<LocalServer> {
  const child = spawn("timeout", ["-k", "5", String(options.lifetimeSeconds), options.binary, ...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    // Keep the tail only: servers log per request and a long bench would grow this without bound.
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.on("exit", (code, signal) => {
      exited = code ?? (signal ? -1 : null);
      resolve();
    }),
  );
  const lastLine = () => output.trim().split("\n").pop() ?? "(no output)";
  const server: LocalServer = {
    name: options.name,
    pid: child.pid ?? -1,
    output: () => output,
    rssKiB: () => procStatusKiB(serverPid(child), "VmRSS"),
    peakRssKiB: () => procStatusKiB(serverPid(child), "VmHWM"),
    stop: async () => {
      if (exited === undefined) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exit;
        clearTimeout(timer);
      }
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) throw new Error(`${options.name} did not start (exit ${exited}): ${lastLine()}`);
    if (await options.ready().catch(() => false)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${options.name} did not become ready within ${options.readyTimeoutMs ?? 60_000} ms: ${lastLine()}`);
    }
    await sleep(250);
  }
}

/** `timeout` forks the server as its only child; /proc/<timeout>/task/<tid>/children names it. */
function serverPid(child: ChildProcess): number {
  const pid = child.pid;
  if (pid === undefined) throw new Error("server process has no pid");
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  if (children.length !== 1) throw new Error(`expected one child of timeout (pid ${pid}), found ${children.length}`);
  return Number(children[0]);
}

function procStatusKiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A port free on 127.0.0.1 for both TCP and UDP (syslog listens on one port number for both). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address() as net.AddressInfo;
        server.close(() => resolve(address.port));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket("udp4");
      socket.once("error", () => resolve(false));
      socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error("no port free for both TCP and UDP on 127.0.0.1");
}

/** True when an HTTP GET of `url` answers 2xx. */
export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return response.ok;
}
