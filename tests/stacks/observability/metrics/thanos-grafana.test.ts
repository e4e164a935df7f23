import * as YAML from "yaml";
import { kubePrometheusStackValues } from "../../../../stacks/observability/metrics/kube-prometheus-stack";
import { secretKeys, secretNames } from "../../../../stacks/observability/metrics/names";
import { objstoreConfig, objstoreYaml, s3Port } from "../../../../stacks/observability/metrics/objstore";
import { grafanaUrl, metricsDatasourceUrls } from "../../../../stacks/observability/metrics/grafana";
import { thanosValues } from "../../../../stacks/observability/metrics/thanos";
import { grafanaPlugins } from "../../../../versions";
import { victoriaLogsValues } from "../../../../stacks/observability/logging/values";
import { chartDefaults, chartDirFor } from "../../../helpers/chart-values";
import { charts } from "../../../../versions";
import { at, defaultConfig, timezone, tunedConfig, victoriaLogsUrl } from "./fixtures";
import type { ObservabilityConfig } from "../../../../config/schema/observability";

const kps = (config: ObservabilityConfig) =>
  kubePrometheusStackValues({ config, namespace: config.namespace, nodeExporterNamespace: "node-exporter", timezone, victoriaLogsUrl });

describe("Thanos objstore config", () => {
  const target = { endpoint: "https://s3.68cc.io", region: "us-east-1", bucket: "home-thanos", accessKey: "AK", secretKey: "SK" };

  test("points at the bucket and endpoint from config, host only, path-style", () => {
    expect(YAML.parse(objstoreYaml(target))).toEqual({
      type: "S3",
      config: {
        bucket: "home-thanos",
        endpoint: "s3.68cc.io",
        region: "us-east-1",
        access_key: "AK",
        secret_key: "SK",
        insecure: false,
        bucket_lookup_type: "path",
      },
    });
  });

  test("plain-HTTP endpoints keep their port and are marked insecure", () => {
    const config = objstoreConfig({ ...target, endpoint: "http://minio.lan:9000" }).config;
    expect([config.endpoint, config.insecure]).toEqual(["minio.lan:9000", true]);
    expect(s3Port("http://minio.lan:9000")).toBe(9000);
    expect(s3Port("http://minio.lan")).toBe(80);
    expect(s3Port("https://s3.68cc.io")).toBe(443);
  });

  test("the sidecar and the Thanos chart read the same Secret and key", () => {
    const sidecar = at(kps(defaultConfig), "prometheus", "prometheusSpec", "thanos", "objectStorageConfig", "existingSecret");
    const chart = at(thanosValues({ config: defaultConfig, namespace: "monitoring" }), "objstoreConfig");
    expect(sidecar).toEqual({ name: secretNames.objstore, key: secretKeys.objstore });
    expect(chart).toEqual({ create: false, name: secretNames.objstore, key: secretKeys.objstore });
  });
});

describe("Thanos and kube-prometheus-stack wiring", () => {
  test("Query finds the sidecars through the kube-prometheus-stack discovery Service in the monitoring namespace", () => {
    for (const config of [defaultConfig, tunedConfig]) {
      expect(at(thanosValues({ config, namespace: config.namespace }), "additionalEndpoints")).toEqual([
        `dnssrv+_grpc._tcp.kps-thanos-discovery.${config.namespace}.svc.cluster.local`,
      ]);
    }
    expect(at(kps(defaultConfig), "fullnameOverride")).toBe("kps");
    expect(at(kps(defaultConfig), "prometheus", "thanosService", "enabled")).toBe(true);
  });

  test("query, store gateway and compactor are on, with volumes for the two that keep state", () => {
    const values = thanosValues({ config: defaultConfig, namespace: "monitoring" });
    expect([at(values, "query", "enabled"), at(values, "storeGateway", "enabled"), at(values, "compact", "enabled")]).toEqual([true, true, true]);
    expect([at(values, "storeGateway", "persistence", "enabled"), at(values, "compact", "persistence", "enabled")]).toEqual([true, true]);
    // The chart ships the compactor off; make sure the values turn on what the defaults leave off.
    expect(at(chartDefaults(chartDirFor(charts.thanos)), "compact", "enabled")).toBe(false);
  });

  test("control-plane scrapes (and the chart's rules for them) follow prometheus.scrapeControlPlane", () => {
    const components = ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"];
    const chart = chartDefaults(chartDirFor(charts.kubePrometheusStack));
    for (const component of components) {
      expect([component, at(chart, component, "enabled")]).toEqual([component, true]);
      expect([component, at(kps(defaultConfig), component, "enabled")]).toEqual([component, false]);
      const on = { ...defaultConfig, prometheus: { ...defaultConfig.prometheus, scrapeControlPlane: true } };
      expect([component, at(kps(on), component, "enabled")]).toEqual([component, true]);
    }
  });

  test("Prometheus picks up every ServiceMonitor, PodMonitor, Probe, ScrapeConfig and rule, not only its release's", () => {
    const spec = at(kps(defaultConfig), "prometheus", "prometheusSpec") as Record<string, unknown>;
    const chartSpec = at(chartDefaults(chartDirFor(charts.kubePrometheusStack)), "prometheus", "prometheusSpec") as Record<string, unknown>;
    const flags = Object.keys(chartSpec).filter((key) => key.endsWith("SelectorNilUsesHelmValues"));
    expect(flags.length).toBeGreaterThanOrEqual(5);
    for (const flag of flags) expect([flag, spec[flag]]).toEqual([flag, false]);
  });
});

describe("Grafana", () => {
  const grafana = (config: ObservabilityConfig) => at(kps(config), "grafana") as Record<string, unknown>;

  test("admin credentials come from the Secret the stack creates, never from values", () => {
    expect(grafana(defaultConfig).admin).toEqual({
      existingSecret: secretNames.grafanaAdmin,
      userKey: secretKeys.grafanaUser,
      passwordKey: secretKeys.grafanaPassword,
    });
    expect(grafana(defaultConfig)).not.toHaveProperty("adminPassword");
  });

  test("four datasources; Thanos Query is the only default; the chart's own Prometheus default is off", () => {
    const sources = grafana(defaultConfig).additionalDataSources as Record<string, unknown>[];
    const urls = metricsDatasourceUrls("monitoring");
    expect(sources.map((s) => [s.name, s.type, s.url])).toEqual([
      ["Thanos", "prometheus", urls.thanosQuery],
      ["Prometheus", "prometheus", urls.prometheus],
      ["VictoriaLogs", grafanaPlugins.victoriaLogsDatasource.id, victoriaLogsUrl],
      ["Alertmanager", "alertmanager", urls.alertmanager],
    ]);
    expect(sources.filter((s) => s.isDefault === true).map((s) => s.name)).toEqual(["Thanos"]);
    expect(at(grafana(defaultConfig), "sidecar", "datasources", "defaultDatasourceEnabled")).toBe(false);
    expect(at(grafana(defaultConfig), "sidecar", "datasources", "alertmanager", "enabled")).toBe(false);
  });

  test("datasource URLs follow the monitoring namespace", () => {
    expect(metricsDatasourceUrls(tunedConfig.namespace)).toEqual({
      thanosQuery: "http://thanos-query.metrics.svc.cluster.local:10902",
      prometheus: "http://kps-prometheus.metrics.svc.cluster.local:9090",
      alertmanager: "http://kps-alertmanager.metrics.svc.cluster.local:9093",
    });
  });

  test("the VictoriaLogs plugin is pinned to a version", () => {
    expect(grafana(defaultConfig).plugins).toEqual([`victoriametrics-logs-datasource@${grafanaPlugins.victoriaLogsDatasource.version}`]);
    expect(grafanaPlugins.victoriaLogsDatasource.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("dashboards: the sidecar collects labelled ConfigMaps; the VictoriaLogs chart renders none; nothing is downloaded", () => {
    const values = grafana(defaultConfig);
    expect(values.defaultDashboardsEnabled).toBe(true);
    const sidecar = at(values, "sidecar", "dashboards") as { enabled: boolean; label: string; labelValue: string; searchNamespace: string };
    expect(sidecar.enabled).toBe(true);
    // Issue 9 item 6: at victoria-logs-single 0.13.9 "on" also renders a Vector dashboard (no Vector here).
    const vlValues = victoriaLogsValues({ config: defaultConfig.victoriaLogs, storageClass: undefined, timezone }) as Record<string, any>;
    expect(vlValues.dashboards).toEqual({ enabled: false });
    expect(sidecar.searchNamespace).toBe("ALL");
    // kube-prometheus-stack labels its own dashboards from the same sidecar values (chart default shown here).
    const kpsDefaults = chartDefaults(chartDirFor(charts.kubePrometheusStack));
    expect(at(kpsDefaults, "grafana", "sidecar", "dashboards", "label")).toBe(sidecar.label);
    // No grafana.com download machinery (init container, provider, curl options) is left behind.
    for (const key of ["dashboards", "dashboardProviders", "defaultCurlOptions", "downloadDashboards"]) {
      expect(values).not.toHaveProperty([key]);
    }
  });

  test("dashboards use the stack's timezone", () => {
    expect(grafana(defaultConfig).defaultDashboardsTimezone).toBe(timezone);
    expect(at(grafana(defaultConfig), "grafana.ini", "date_formats", "default_timezone")).toBe(timezone);
  });

  test("grafanaUrl is https://<hostname>, else the in-cluster Service", () => {
    expect(grafanaUrl(tunedConfig.grafana, tunedConfig.namespace)).toBe("https://grafana.home.example");
    expect(at(grafana(tunedConfig), "grafana.ini", "server", "root_url")).toBe("https://grafana.home.example");
    expect(grafanaUrl(defaultConfig.grafana, "monitoring")).toBe("http://kps-grafana.monitoring.svc.cluster.local");
    expect(at(grafana(defaultConfig), "grafana.ini", "server")).toBeUndefined();
  });
});
