import { chartDefaults, chartDirFor, helmMerge, undeclaredValueKeys } from "../../helpers/chart-values";
import { securityAlertGroups } from "../../../stacks/security/alerts";
import { exportFilters, metricsLabels, tetragonValues, tetragonWorkloadRequests } from "../../../stacks/security/tetragon-values";
import { cpuToMillis, memoryToMiB } from "../../../lib/quantity";
import { charts } from "../../../versions";
import { securityConfig } from "./fixtures";

const defaults = chartDefaults(chartDirFor(charts.tetragon));
const config = securityConfig({
  tetragon: {
    resources: { requests: { cpu: "150m", memory: "300Mi" }, limits: { memory: "900Mi" } },
    exportResources: { requests: { cpu: "15m", memory: "40Mi" }, limits: { memory: "100Mi" } },
    operatorResources: { requests: { cpu: "20m", memory: "70Mi" }, limits: { memory: "140Mi" } },
    exportDenyNamespaces: ["kube-system", "flux-system"],
  },
});
const values = tetragonValues({ config }) as {
  extraHostPathMounts: { name: string; mountPath: string }[];
  tetragon: Record<string, unknown> & { prometheus: { metricsLabelFilter: string; serviceMonitor: { enabled: boolean } } };
  tetragonOperator: Record<string, unknown> & { prometheus: { serviceMonitor: { enabled: boolean } }; replicas: number };
  export: { mode: string; resources: unknown };
};

/** The values as Helm renders them: the chart's defaults merged with ours. */
const rendered = helmMerge(defaults, values);
const at = (node: unknown, ...path: string[]): unknown => path.reduce<unknown>((n, key) => (n as Record<string, unknown> | undefined)?.[key], node);

/** Reads a dotted path from the chart's values.yaml. */
function chartDefault(path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], defaults);
}

describe("Tetragon values", () => {
  it("use only keys the pinned chart declares", () => {
    expect(undeclaredValueKeys(values, defaults)).toEqual([]);
  });

  it("mount tracefs from /sys/kernel/tracing (Talos mounts no debugfs)", () => {
    expect(chartDefault("extraHostPathMounts")).toEqual([]);
    expect(values.extraHostPathMounts).toContainEqual(expect.objectContaining({ mountPath: "/sys/kernel/tracing" }));
    expect(values.extraHostPathMounts.map((mount) => mount.mountPath)).not.toContain("/sys/kernel/debug");
  });

  // Issue 9 item 6: `btf: /sys/kernel/btf/vmlinux` only restated what the agent finds by itself
  // (tetragon v1.7.0 pkg/btf observerFindBTF: empty option -> the kernel's BTF file).
  it("leave BTF to the agent's discovery of the kernel's own file (no `btf` key that does nothing)", () => {
    expect(chartDefault("tetragon.btf")).toBe("");
    expect(values.tetragon).not.toHaveProperty("btf");
  });

  it("turn on process credentials and namespaces, which the chart leaves off", () => {
    expect(chartDefault("tetragon.enableProcessCred")).toBe(false);
    expect(values.tetragon.enableProcessCred).toBe(true);
    expect(values.tetragon.enableProcessNs).toBe(true);
  });

  it("export events through the export-stdout sidecar", () => {
    expect(values.export.mode).toBe("stdout");
  });

  it("take every container's resources from config", () => {
    expect(values.tetragon.resources).toEqual(config.tetragon.resources);
    expect(values.export.resources).toEqual(config.tetragon.exportResources);
    expect(at(rendered, "tetragonOperator", "resources")).toEqual(config.tetragon.operatorResources);
  });

  // Issue 9 item 6: Helm merges maps, so `limits: {memory}` kept the chart's `limits.cpu: 500m`.
  it("remove the chart's 500m CPU limit on the operator (Helm merges maps; null deletes the key)", () => {
    expect(chartDefault("tetragonOperator.resources.limits.cpu")).toBe("500m");
    expect(at(rendered, "tetragonOperator", "resources", "limits")).toEqual({ memory: "140Mi" });
    const withLimit = securityConfig({ tetragon: { operatorResources: { requests: { cpu: "20m", memory: "70Mi" }, limits: { cpu: "1", memory: "140Mi" } } } });
    expect(at(helmMerge(defaults, tetragonValues({ config: withLimit })), "tetragonOperator", "resources", "limits")).toEqual({ cpu: "1", memory: "140Mi" });
  });

  it("leave no container with a CPU limit config did not ask for", () => {
    const cpuLimits: string[] = [];
    const find = (node: unknown, path: string): void => {
      if (typeof node !== "object" || node === null) return;
      for (const [key, inner] of Object.entries(node)) {
        if (key === "limits" && typeof inner === "object" && inner !== null && "cpu" in inner) cpuLimits.push(path);
        find(inner, path ? `${path}.${key}` : key);
      }
    };
    find(rendered, "");
    expect(cpuLimits).toEqual([]);
  });

  it("create ServiceMonitors for the agent and the operator (both off in the chart)", () => {
    expect(chartDefault("tetragon.prometheus.serviceMonitor.enabled")).toBe(false);
    expect(chartDefault("tetragonOperator.prometheus.serviceMonitor.enabled")).toBe(false);
    expect(values.tetragon.prometheus.serviceMonitor.enabled).toBe(true);
    expect(values.tetragonOperator.prometheus.serviceMonitor.enabled).toBe(true);
  });

  it("keep every metric label an alert filters or groups on", () => {
    const filter = values.tetragon.prometheus.metricsLabelFilter.split(",");
    const configurable = new Set<string>(metricsLabels);
    const used = new Set<string>();
    for (const rule of securityAlertGroups(config).flatMap((group) => group.rules)) {
      if (!/tetragon_(policy_)?events_total/.test(rule.expr)) continue;
      for (const [, label] of rule.expr.matchAll(/\b([a-z_]+)\s*(?:=~|!~|!=|=)\s*"/g)) if (configurable.has(label)) used.add(label);
      for (const [, list] of rule.expr.matchAll(/by \(([^)]*)\)/g)) for (const label of list.split(",").map((l) => l.trim())) if (configurable.has(label)) used.add(label);
    }
    expect(used.has("binary")).toBe(true);
    for (const label of used) expect(filter).toContain(label);
  });
});

describe("export filters", () => {
  const parse = (lines: string) => lines.split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);

  it("allow exactly the configured event types", () => {
    const custom = securityConfig({ tetragon: { exportEventTypes: ["PROCESS_EXEC", "PROCESS_KPROBE"] } });
    expect(parse(exportFilters(custom.tetragon).allow)).toEqual([{ event_set: ["PROCESS_EXEC", "PROCESS_KPROBE"] }]);
  });

  it("drop exec/exit noise from the denied namespaces and the host, never policy hits", () => {
    const deny = parse(exportFilters(config.tetragon).deny);
    expect(deny).toContainEqual({ health_check: true });
    const byNamespace = deny.find((filter) => "namespace" in filter)!;
    expect(byNamespace.namespace).toEqual(["", ...config.tetragon.exportDenyNamespaces]);
    expect(byNamespace.event_set).toEqual(["PROCESS_EXEC", "PROCESS_EXIT"]);
    expect(JSON.stringify(deny)).not.toContain("PROCESS_KPROBE");
  });

  it("keep host events when asked to", () => {
    const withHost = securityConfig({ tetragon: { exportHostEvents: true, exportDenyNamespaces: [] } });
    expect(parse(exportFilters(withHost.tetragon).deny)).toEqual([{ health_check: true }]);
  });
});

describe("workload requests", () => {
  it("match the requests in the values: agent and export sidecar per node, one operator", () => {
    // One operator replica: the chart's default, which the values keep.
    expect(chartDefault("tetragonOperator.replicas")).toBe(1);
    expect(values.tetragonOperator.replicas).toBe(1);
    const requests = tetragonWorkloadRequests(config);
    const expected = [
      ["tetragon", "perNode", config.tetragon.resources],
      ["tetragon-export-stdout", "perNode", config.tetragon.exportResources],
      ["tetragon-operator", 1, config.tetragon.operatorResources],
    ] as const;
    expect(requests).toEqual(
      expected.map(([workload, replicas, resources]) => ({
        stack: "security",
        workload,
        replicas,
        cpuMillis: cpuToMillis(resources.requests.cpu),
        memoryMiB: memoryToMiB(resources.requests.memory),
      })),
    );
  });
});
