import type * as pulumi from "@pulumi/pulumi";
import type { ObservabilityConfig } from "../../../config/schema";
import type { MetricsConfig } from "./index";
import { grafanaPlugins } from "../../../versions";
import { dashboardSidecarLabel, datasourceUids, serviceHost } from "../public";
import { secretKeys, secretNames, services } from "./names";
import { helperResources } from "./sizing";

/**
 * Grafana, as kube-prometheus-stack's `grafana` sub-chart values.
 *
 * Datasources: all four are ours, in `additionalDataSources` (rendered by kube-prometheus-stack
 * into the datasource ConfigMap the sidecar loads). The chart's own Prometheus and Alertmanager
 * datasources are turned off: its Prometheus one is `isDefault`, which would clash with Thanos
 * Query being the default, and defining them here means the URLs Grafana uses are the same ones
 * the stack exports.
 *
 * Dashboards: all arrive as ConfigMaps carrying `dashboardSidecarLabel`, which the dashboard
 * sidecar collects from every namespace: kube-prometheus-stack's cluster dashboards and the
 * security stack's. The victoria-logs-single chart's dashboards stay off (logging/values.ts: the
 * chart cannot render its single-node dashboard without a Vector one). The sidecar reads them through the API server, so no dashboard is fetched from the internet; only
 * the VictoriaLogs datasource plugin still comes from grafana.com.
 */

/** In-cluster URLs of Grafana's datasources, exported by the stack. */
export interface DatasourceUrls<T = string> {
  readonly thanosQuery: T;
  readonly prometheus: T;
  readonly victoriaLogs: T;
  readonly alertmanager: T;
}

/** The datasources this stack owns, except VictoriaLogs, whose URL comes from the logs half. */
export function metricsDatasourceUrls(namespace: string): Omit<DatasourceUrls, "victoriaLogs"> {
  const url = (service: { name: string; port: number }) => `http://${serviceHost(service.name, namespace)}:${service.port}`;
  return {
    thanosQuery: url(services.thanosQuery),
    prometheus: url(services.prometheus),
    alertmanager: url(services.alertmanager),
  };
}

/**
 * Where Grafana is reached: https://<hostname> when one is configured (served by the operator's
 * own ingress or Gateway; nothing here exposes it), else the in-cluster Service.
 */
export function grafanaUrl(grafana: ObservabilityConfig["grafana"], namespace: string, scheme: GrafanaScheme = "https"): string {
  if (grafana.hostname) return `${scheme}://${grafana.hostname}`;
  const port = services.grafana.port === 80 ? "" : `:${services.grafana.port}`;
  return `http://${serviceHost(services.grafana.name, namespace)}${port}`;
}

export function grafanaDatasources(urls: DatasourceUrls<pulumi.Input<string>>): Record<string, unknown>[] {
  return [
    {
      name: "Thanos",
      uid: datasourceUids.thanos,
      type: "prometheus",
      access: "proxy",
      url: urls.thanosQuery,
      // Long history lives in Thanos; the kube-prometheus-stack dashboards use the default datasource.
      isDefault: true,
      jsonData: { prometheusType: "Thanos" },
    },
    { name: "Prometheus", uid: datasourceUids.prometheus, type: "prometheus", access: "proxy", url: urls.prometheus, isDefault: false },
    {
      name: "VictoriaLogs",
      uid: datasourceUids.victoriaLogs,
      type: grafanaPlugins.victoriaLogsDatasource.id,
      access: "proxy",
      url: urls.victoriaLogs,
      isDefault: false,
    },
    {
      name: "Alertmanager",
      uid: datasourceUids.alertmanager,
      type: "alertmanager",
      access: "proxy",
      url: urls.alertmanager,
      isDefault: false,
      jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false },
    },
  ];
}

/** How browsers reach `grafana.hostname`: https, unless a Gateway serves it on plain HTTP only. */
export type GrafanaScheme = "http" | "https";

export interface GrafanaValuesInput {
  readonly config: MetricsConfig;
  /** Defaults to https. */
  readonly grafanaScheme?: GrafanaScheme;
  readonly namespace: string;
  readonly timezone: string;
  readonly victoriaLogsUrl: pulumi.Input<string>;
}

export function grafanaValues({ config, namespace, timezone, victoriaLogsUrl, grafanaScheme }: GrafanaValuesInput): Record<string, unknown> {
  const { grafana } = config;
  const server = grafana.hostname ? { domain: grafana.hostname, root_url: grafanaUrl(grafana, namespace, grafanaScheme) } : {};
  return {
    admin: { existingSecret: secretNames.grafanaAdmin, userKey: secretKeys.grafanaUser, passwordKey: secretKeys.grafanaPassword },
    resources: grafana.resources,
    defaultDashboardsEnabled: true,
    defaultDashboardsTimezone: timezone,
    plugins: [`${grafanaPlugins.victoriaLogsDatasource.id}@${grafanaPlugins.victoriaLogsDatasource.version}`],
    sidecar: {
      resources: helperResources.grafanaSidecar,
      // ALL (kube-prometheus-stack's default too): a stack may keep its dashboard next to its own release.
      dashboards: { enabled: true, label: dashboardSidecarLabel.key, labelValue: dashboardSidecarLabel.value, searchNamespace: "ALL" },
      datasources: { enabled: true, defaultDatasourceEnabled: false, alertmanager: { enabled: false } },
    },
    additionalDataSources: grafanaDatasources({ ...metricsDatasourceUrls(namespace), victoriaLogs: victoriaLogsUrl }),
    // Provisioned datasources removed from the list above are removed from Grafana too.
    prune: true,
    // No `initChownData`: the chart adds its root chown init container only with
    // `persistence.enabled`, which stays off (no PVC: everything is provisioned).
    "grafana.ini": {
      analytics: { check_for_updates: false, reporting_enabled: false },
      date_formats: { default_timezone: timezone },
      ...(grafana.hostname ? { server } : {}),
    },
  };
}
