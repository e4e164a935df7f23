import * as fc from "fast-check";
import { observabilitySchema, type ObservabilityConfig } from "../../../../config/schema/observability";
import { cpuToMillis, memoryToMiB } from "../../../../lib/quantity";
import { kubePrometheusStackValues } from "../../../../stacks/observability/metrics/kube-prometheus-stack";
import { metricsWorkloadRequests } from "../../../../stacks/observability/metrics/sizing";
import { compactorRetentionArgs, thanosValues } from "../../../../stacks/observability/metrics/thanos";
import { at, defaultConfig, timezone, tunedConfig, victoriaLogsUrl } from "./fixtures";

function kps(config: ObservabilityConfig) {
  return kubePrometheusStackValues({ config, namespace: config.namespace, nodeExporterNamespace: "node-exporter", timezone, victoriaLogsUrl });
}
const thanos = (config: ObservabilityConfig) => thanosValues({ config, namespace: config.namespace });

/** Where each config-sized workload lands in the values. */
function configuredSizing(config: ObservabilityConfig) {
  const k = kps(config);
  const t = thanos(config);
  return {
    prometheusRetention: at(k, "prometheus", "prometheusSpec", "retention"),
    prometheusResources: at(k, "prometheus", "prometheusSpec", "resources"),
    prometheusVolume: at(k, "prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "resources", "requests", "storage"),
    alertmanagerResources: at(k, "alertmanager", "alertmanagerSpec", "resources"),
    alertmanagerVolume: at(k, "alertmanager", "alertmanagerSpec", "storage", "volumeClaimTemplate", "spec", "resources", "requests", "storage"),
    grafanaResources: at(k, "grafana", "resources"),
    queryResources: at(t, "query", "resources"),
    storeResources: at(t, "storeGateway", "resources"),
    compactResources: at(t, "compact", "resources"),
    storeVolume: at(t, "storeGateway", "persistence", "size"),
    compactVolume: at(t, "compact", "persistence", "size"),
    compactArgs: at(t, "compact", "extraArgs"),
  };
}

function expectedSizing(config: ObservabilityConfig) {
  return {
    prometheusRetention: config.prometheus.retention,
    prometheusResources: config.prometheus.resources,
    prometheusVolume: config.prometheus.volumeSize,
    alertmanagerResources: config.alertmanager.resources,
    alertmanagerVolume: config.alertmanager.volumeSize,
    grafanaResources: config.grafana.resources,
    queryResources: config.thanos.resources,
    storeResources: config.thanos.resources,
    compactResources: config.thanos.resources,
    storeVolume: config.thanos.storeVolumeSize,
    compactVolume: config.thanos.compactorVolumeSize,
    compactArgs: [
      `--retention.resolution-raw=${config.thanos.retention.raw}`,
      `--retention.resolution-5m=${config.thanos.retention.fiveMinutes}`,
      `--retention.resolution-1h=${config.thanos.retention.oneHour}`,
    ],
  };
}

describe("sizing follows config", () => {
  test.each([["defaults", defaultConfig], ["tuned", tunedConfig]])("%s config lands where the charts read it", (_label, config) => {
    expect(configuredSizing(config)).toEqual(expectedSizing(config));
  });

  test("every sized value differs between the default and the tuned config", () => {
    const before = configuredSizing(defaultConfig);
    const after = configuredSizing(tunedConfig);
    for (const key of Object.keys(before) as (keyof typeof before)[]) {
      expect([key, before[key]]).not.toEqual([key, after[key]]);
    }
  });

  test("any accepted sizing is passed through unchanged", () => {
    const size = fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom("Mi", "Gi")).map(([n, unit]) => `${n}${unit}`);
    const cpu = fc.integer({ min: 1, max: 8000 }).map((n) => `${n}m`);
    const days = fc.integer({ min: 1, max: 3650 }).map((n) => `${n}d`);
    const resources = fc.record({ requests: fc.record({ cpu, memory: size }), limits: fc.record({ memory: size }) });
    fc.assert(
      fc.property(fc.record({ retention: days, volumeSize: size, resources }), resources, days, (prometheus, thanosResources, raw) => {
        const config = observabilitySchema.parse({
          prometheus,
          thanos: { resources: thanosResources, retention: { raw } },
          victoriaLogs: { syslog: { type: "loadBalancer", address: "10.0.0.1" } },
        });
        expect(configuredSizing(config)).toEqual(expectedSizing(config));
      }),
      { numRuns: 50 },
    );
  });

  test("volumes use the configured StorageClass, or leave the cluster default in place", () => {
    const spec = (config: ObservabilityConfig) => at(kps(config), "prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec");
    expect(spec(tunedConfig)).toMatchObject({ storageClassName: tunedConfig.storageClass });
    expect(spec(defaultConfig)).not.toHaveProperty("storageClassName");
    expect(at(thanos(tunedConfig), "storeGateway", "persistence", "storageClass")).toBe(tunedConfig.storageClass);
    // The Thanos chart's own default is "standard"; an empty string makes it omit storageClassName.
    expect(at(thanos(defaultConfig), "compact", "persistence", "storageClass")).toBe("");
  });

  test("compactor retention flags are the flags Thanos knows, one per resolution", () => {
    expect(compactorRetentionArgs({ raw: "1d", fiveMinutes: "2d", oneHour: "3d" }).map((arg) => arg.split("=")[0])).toEqual([
      "--retention.resolution-raw",
      "--retention.resolution-5m",
      "--retention.resolution-1h",
    ]);
  });
});

describe("requests and limits on every container the stack configures", () => {
  const containerResourcePaths = [
    ["prometheusOperator", "resources"],
    ["prometheusOperator", "prometheusConfigReloader", "resources"],
    ["prometheusOperator", "admissionWebhooks", "patch", "resources"],
    ["prometheus", "prometheusSpec", "resources"],
    ["prometheus", "prometheusSpec", "thanos", "resources"],
    ["alertmanager", "alertmanagerSpec", "resources"],
    ["grafana", "resources"],
    ["grafana", "sidecar", "resources"],
    ["kube-state-metrics", "resources"],
    ["prometheus-node-exporter", "resources"],
  ];
  test.each(containerResourcePaths.map((p) => [p.join("."), p]))("kube-prometheus-stack %s", (_name, path) => {
    const resources = at(kps(defaultConfig), ...path) as { requests?: Record<string, string>; limits?: Record<string, string> };
    expect(cpuToMillis(resources.requests?.cpu ?? "")).toBeGreaterThan(0);
    expect(memoryToMiB(resources.requests?.memory ?? "")).toBeGreaterThan(0);
    expect(memoryToMiB(resources.limits?.memory ?? "")).toBeGreaterThanOrEqual(memoryToMiB(resources.requests?.memory ?? "") ?? Infinity);
  });
  test.each([["query"], ["storeGateway"], ["compact"]])("thanos %s", (component) => {
    const resources = at(thanos(defaultConfig), component, "resources") as { requests: Record<string, string>; limits: Record<string, string> };
    expect(memoryToMiB(resources.limits.memory)).toBeGreaterThanOrEqual(memoryToMiB(resources.requests.memory) ?? Infinity);
  });
});

describe("workloadRequests", () => {
  const byName = (config: ObservabilityConfig) => new Map(metricsWorkloadRequests(config).map((w) => [w.workload, w]));

  test("cover every workload the metrics half runs; node-exporter per node", () => {
    const workloads = byName(defaultConfig);
    expect([...workloads.keys()].sort()).toEqual(
      [
        "alertmanager",
        "grafana",
        "kube-state-metrics",
        "node-exporter",
        "prometheus",
        "prometheus-operator",
        "thanos-compactor",
        "thanos-query",
        "thanos-store-gateway",
      ].sort(),
    );
    expect(workloads.get("node-exporter")?.replicas).toBe("perNode");
    expect([...workloads.values()].every((w) => w.stack === "observability")).toBe(true);
  });

  test("move with the config by exactly the configured change", () => {
    const before = byName(defaultConfig);
    const after = byName(tunedConfig);
    const delta = (workload: string, field: "cpuMillis" | "memoryMiB") => after.get(workload)![field] - before.get(workload)![field];
    const cfgDelta = (pick: (c: ObservabilityConfig) => { requests: { cpu: string; memory: string } }) => ({
      cpu: cpuToMillis(pick(tunedConfig).requests.cpu)! - cpuToMillis(pick(defaultConfig).requests.cpu)!,
      memory: memoryToMiB(pick(tunedConfig).requests.memory)! - memoryToMiB(pick(defaultConfig).requests.memory)!,
    });
    for (const [workload, pick] of [
      ["prometheus", (c: ObservabilityConfig) => c.prometheus.resources],
      ["alertmanager", (c: ObservabilityConfig) => c.alertmanager.resources],
      ["grafana", (c: ObservabilityConfig) => c.grafana.resources],
      ["thanos-query", (c: ObservabilityConfig) => c.thanos.resources],
      ["thanos-compactor", (c: ObservabilityConfig) => c.thanos.resources],
    ] as const) {
      expect([workload, delta(workload, "cpuMillis"), delta(workload, "memoryMiB")]).toEqual([workload, cfgDelta(pick).cpu, cfgDelta(pick).memory]);
    }
    expect(delta("kube-state-metrics", "cpuMillis")).toBe(0);
  });

  test("a pod's request includes its sidecars, taken from the same values the charts get", () => {
    const values = kps(defaultConfig);
    const prometheus = byName(defaultConfig).get("prometheus")!;
    const containers = [
      at(values, "prometheus", "prometheusSpec", "resources"),
      at(values, "prometheus", "prometheusSpec", "thanos", "resources"),
      at(values, "prometheusOperator", "prometheusConfigReloader", "resources"),
    ] as { requests: { cpu: string; memory: string } }[];
    expect(prometheus.cpuMillis).toBe(containers.reduce((sum, c) => sum + cpuToMillis(c.requests.cpu)!, 0));
    expect(prometheus.memoryMiB).toBe(containers.reduce((sum, c) => sum + memoryToMiB(c.requests.memory)!, 0));
  });
});
