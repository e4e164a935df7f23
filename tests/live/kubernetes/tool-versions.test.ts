import { execFileSync } from "node:child_process";
import { toolchain } from "../../../versions";
import { toolPath } from "../../../tools/toolchain/paths";

/**
 * The control-plane and monitoring tools report the versions they are cached under. The version
 * flags are set by ldflags in tools/toolchain/tools/*.sh; a build that forgot them reports
 * v0.0.0 (Kubernetes) or an empty version (Prometheus tools) and is caught here.
 */

const run = (bin: string, ...args: string[]) => execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const first = (pattern: RegExp, text: string) => pattern.exec(text)?.[1] ?? `no match in: ${text.split("\n")[0]}`;

const cases: [string, string, () => string][] = [
  ["kubernetes", "kube-apiserver", () => first(/^Kubernetes (v\S+)/m, run(toolPath("kubernetes", "kube-apiserver"), "--version"))],
  ["kubernetes", "kube-controller-manager", () => first(/^Kubernetes (v\S+)/m, run(toolPath("kubernetes", "kube-controller-manager"), "--version"))],
  ["kubernetes", "kubectl", () => JSON.parse(run(toolPath("kubernetes", "kubectl"), "version", "--client", "-o", "json")).clientVersion.gitVersion],
  ["etcd", "etcd", () => `v${first(/^etcd Version: (\S+)/m, run(toolPath("etcd", "etcd"), "--version"))}`],
  ["prometheus-operator", "operator", () => `v${first(/version (\S+)/, run(toolPath("prometheus-operator", "operator"), "--version"))}`],
  ["alertmanager", "alertmanager", () => `v${first(/version (\S+)/, run(toolPath("alertmanager", "alertmanager"), "--version"))}`],
  ["alertmanager", "amtool", () => `v${first(/version (\S+)/, run(toolPath("alertmanager", "amtool"), "--version"))}`],
  ["promtool", "promtool", () => `v${first(/version (\S+)/, run(toolPath("promtool", "promtool"), "--version"))}`],
];

describe("control plane and monitoring toolchain", () => {
  it.each(cases)("%s: %s reports the pinned version", (tool, _binary, reported) => {
    expect(reported()).toBe((toolchain as Record<string, { version: string }>)[tool].version);
  });
});
