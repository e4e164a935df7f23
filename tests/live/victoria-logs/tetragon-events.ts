import { policyNames } from "../../../stacks/security/tracing-policies";

/**
 * Tetragon export lines shaped like the real ones (tetragon `export-stdout`: one JSON object per
 * line, the event under its type key, `node_name` and `time` beside it; field names from
 * api/v1/tetragon's JSON encoding: process.binary, process.pod.namespace, policy_name,
 * function_name, args[].file_arg / sock_arg ...). Each fixture also says what the dashboard should
 * count for it, so expected rows are derived from the same list the lines are.
 */

export interface Fixture {
  readonly type: "process_exec" | "process_exit" | "process_kprobe";
  readonly namespace: string;
  readonly binary: string;
  readonly policy?: string;
  readonly line: string;
}

let pid = 4000;

function processOf(namespace: string, binary: string, at: string) {
  pid += 7;
  return {
    exec_id: Buffer.from(`talos-cp-01:${pid}00000:${pid}`).toString("base64"),
    pid,
    uid: 0,
    cwd: "/",
    binary,
    arguments: binary.endsWith("curl") ? "-s https://example.com" : "",
    flags: "execve rootcwd clone",
    start_time: at,
    auid: 4294967295,
    pod: {
      namespace,
      name: `${namespace}-web-0`,
      container: {
        id: `containerd://${pid.toString(16).padStart(12, "0")}`,
        name: "web",
        image: { id: "docker.io/library/nginx@sha256:0f", name: "docker.io/library/nginx:1.27" },
        start_time: at,
        pid: 12,
      },
      pod_labels: { "app.kubernetes.io/name": "web" },
      workload: `${namespace}-web`,
      workload_kind: "StatefulSet",
    },
    docker: pid.toString(16).padStart(12, "0"),
    parent_exec_id: "dGFsb3MtY3AtMDE6MTo0MDAw",
    tid: pid,
  };
}

const parent = { binary: "/bin/sh", pid: 3999, pod: { namespace: "apps" } };

/** Kprobe arguments per policy, as the hooks in tracing-policies.ts capture them. */
const kprobeOf: Record<string, { function_name: string; args: unknown[] }> = {
  [policyNames.sensitiveFiles]: {
    function_name: "security_file_permission",
    args: [{ file_arg: { path: "/etc/shadow", permission: "-rw-r-----" } }, { int_arg: 4 }],
  },
  [policyNames.networkEgress]: {
    function_name: "tcp_connect",
    args: [{ sock_arg: { family: "AF_INET", type: "SOCK_STREAM", protocol: "IPPROTO_TCP", saddr: "10.244.1.5", daddr: "203.0.113.9", sport: 40112, dport: 443 } }],
  },
  [policyNames.privilegeEscalation]: {
    function_name: "commit_creds",
    args: [{ process_credentials_arg: { uid: 0, gid: 0, euid: 0, egid: 0 } }],
  },
};

function line(type: Fixture["type"], namespace: string, binary: string, at: string, policy?: string): Fixture {
  const process = processOf(namespace, binary, at);
  const event =
    type === "process_kprobe"
      ? { process, parent, ...kprobeOf[policy!], action: "KPROBE_ACTION_POST", policy_name: policy, return_action: "KPROBE_ACTION_POST" }
      : type === "process_exit"
        ? { process, parent, signal: "", status: 0, time: at }
        : { process, parent };
  return { type, namespace, binary, policy, line: JSON.stringify({ [type]: event, node_name: "talos-cp-01", time: at }) };
}

/** The export-stdout container's lines: execs, exits and one or more hits of every policy. */
export function exportedEvents(now: Date): Fixture[] {
  const at = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000).toISOString().replace("Z", "123456Z");
  return [
    line("process_exec", "apps", "/usr/bin/curl", at(50)),
    line("process_exec", "apps", "/usr/bin/curl", at(49)),
    line("process_exec", "apps", "/usr/bin/curl", at(48)),
    line("process_exec", "apps", "/bin/sh", at(47)),
    line("process_exec", "media", "/usr/bin/ffmpeg", at(46)),
    line("process_exec", "media", "/usr/bin/ffmpeg", at(45)),
    line("process_exit", "apps", "/usr/bin/curl", at(44)),
    line("process_exit", "media", "/usr/bin/ffmpeg", at(43)),
    line("process_kprobe", "apps", "/bin/cat", at(42), policyNames.sensitiveFiles),
    line("process_kprobe", "apps", "/bin/cat", at(41), policyNames.sensitiveFiles),
    line("process_kprobe", "apps", "/usr/bin/curl", at(40), policyNames.networkEgress),
    line("process_kprobe", "media", "/usr/bin/wget", at(39), policyNames.networkEgress),
    line("process_kprobe", "media", "/usr/bin/wget", at(38), policyNames.networkEgress),
    line("process_kprobe", "media", "/tmp/x", at(37), policyNames.privilegeEscalation),
  ];
}

/** Lines of Tetragon's own agent container (not the export): same namespace, must not be counted. */
export function agentLogLines(now: Date): string[] {
  const time = now.toISOString();
  return [
    JSON.stringify({ time, level: "info", msg: "Loaded sensor successfully", sensor: "__base__" }),
    JSON.stringify({ time, level: "info", msg: "process_exec seen", "process_exec.process.binary": "/usr/bin/curl" }),
  ];
}
