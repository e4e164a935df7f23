import { chartDefaults, chartDirFor, undeclaredValueKeys } from "../../../helpers/chart-values";
import { kubePrometheusStackValues } from "../../../../stacks/observability/metrics/kube-prometheus-stack";
import { thanosValues } from "../../../../stacks/observability/metrics/thanos";
import { charts } from "../../../../versions";
import { at, defaultConfig, timezone, tunedConfig, victoriaLogsUrl } from "./fixtures";
import type { ObservabilityConfig } from "../../../../config/schema/observability";

const kpsDefaults = chartDefaults(chartDirFor(charts.kubePrometheusStack));
const thanosDefaults = chartDefaults(chartDirFor(charts.thanos));
// kube-prometheus-stack pins Grafana 12.11.1 as its sub-chart (helm-charts.md §1).
const grafanaChartDefaults = chartDefaults("grafana-12.11.1");

function kps(config: ObservabilityConfig) {
  return kubePrometheusStackValues({ config, namespace: config.namespace, nodeExporterNamespace: "node-exporter", timezone, victoriaLogsUrl });
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (typeof base !== "object" || base === null || Array.isArray(base)) return over ?? base;
  if (typeof over !== "object" || over === null || Array.isArray(over)) return over ?? base;
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(over)) merged[key] = deepMerge(merged[key], value);
  return merged;
}

const kpsFreeForm = [
  // Checked below against the Grafana chart, which the kube-prometheus-stack file only partly repeats.
  "grafana",
  // Sub-charts whose values.yaml is not in the reference folder; both charts take a plain `resources` map.
  "kube-state-metrics.resources",
  "prometheus-node-exporter.resources",
];

describe("every values key exists in the pinned chart", () => {
  test.each([["defaults", defaultConfig], ["tuned", tunedConfig]])("kube-prometheus-stack (%s config)", (_label, config) => {
    expect(undeclaredValueKeys(kps(config), kpsDefaults, kpsFreeForm)).toEqual([]);
  });

  test.each([["defaults", defaultConfig], ["tuned", tunedConfig]])("Grafana sub-chart (%s config)", (_label, config) => {
    const grafanaDefaults = deepMerge(grafanaChartDefaults, kpsDefaults.grafana);
    // grafana.ini is Grafana's own ini file as a map; the chart lists only a few of its sections.
    expect(undeclaredValueKeys(at(kps(config), "grafana"), grafanaDefaults, ["grafana.ini"])).toEqual([]);
  });

  test.each([["defaults", defaultConfig], ["tuned", tunedConfig]])("thanos (%s config)", (_label, config) => {
    expect(undeclaredValueKeys(thanosValues({ config, namespace: config.namespace }), thanosDefaults)).toEqual([]);
  });

  test("the check itself catches a misspelt key", () => {
    const values = kps(defaultConfig) as Record<string, Record<string, unknown>>;
    const misspelt = { ...values, prometheus: { ...values.prometheus, thanosServce: { enabled: true } } };
    expect(undeclaredValueKeys(misspelt, kpsDefaults, kpsFreeForm)).toEqual(["prometheus.thanosServce"]);
  });
});

describe("images stay the charts' pins", () => {
  test("no image is overridden, and the charts' own tags are pinned versions", () => {
    const hasImageKey = (node: unknown): boolean =>
      typeof node === "object" && node !== null && Object.entries(node).some(([key, inner]) => key === "image" || hasImageKey(inner));
    expect(hasImageKey(kps(defaultConfig))).toBe(false);
    expect(hasImageKey(thanosValues({ config: defaultConfig, namespace: "monitoring" }))).toBe(false);
    for (const tag of [
      at(kpsDefaults, "prometheus", "prometheusSpec", "image", "tag"),
      at(kpsDefaults, "alertmanager", "alertmanagerSpec", "image", "tag"),
      at(grafanaChartDefaults, "sidecar", "image", "tag"),
    ]) {
      expect(tag).toMatch(/^v?\d+\.\d+\.\d+/);
    }
  });
});
