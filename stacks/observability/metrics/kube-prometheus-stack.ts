import type * as pulumi from "@pulumi/pulumi";
import type { MetricsConfig } from "./index";
import { alertmanagerConfiguration, chartAlertmanagerConfig } from "./alertmanager";
import { grafanaValues, type GrafanaScheme } from "./grafana";
import { kpsFullname, secretKeys, secretNames } from "./names";
import { helperResources } from "./sizing";

/**
 * Values for kube-prometheus-stack: the operator, Prometheus with the Thanos sidecar,
 * Alertmanager routing to Discord, Grafana, kube-state-metrics and node-exporter.
 */

export interface KubePrometheusStackValuesInput {
  readonly config: MetricsConfig;
  /** Monitoring namespace (Prometheus, Alertmanager, Grafana, operator, kube-state-metrics). */
  readonly namespace: string;
  /** Privileged namespace node-exporter runs in. */
  readonly nodeExporterNamespace: string;
  readonly timezone: string;
  readonly victoriaLogsUrl: pulumi.Input<string>;
  readonly grafanaScheme?: GrafanaScheme;
}

/** A ReadWriteOnce claim template; the cluster's default StorageClass when none is configured. */
export function volumeClaimTemplate(size: string, storageClass: string | undefined): Record<string, unknown> {
  return {
    spec: {
      ...(storageClass ? { storageClassName: storageClass } : {}),
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: size } },
    },
  };
}

/**
 * Without these, Prometheus only selects rules and monitors labelled `release: kps`; every other
 * stack's ServiceMonitors and PrometheusRules would be silently ignored.
 */
export const selectAllNilUsesHelmValues = {
  ruleSelectorNilUsesHelmValues: false,
  serviceMonitorSelectorNilUsesHelmValues: false,
  podMonitorSelectorNilUsesHelmValues: false,
  probeSelectorNilUsesHelmValues: false,
  scrapeConfigSelectorNilUsesHelmValues: false,
} as const;

/** Control-plane components whose metrics Talos keeps on localhost unless told otherwise. */
export const controlPlaneComponents = ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"] as const;

function controlPlaneScrapes(enabled: boolean): Record<(typeof controlPlaneComponents)[number], { enabled: boolean }> {
  return Object.fromEntries(controlPlaneComponents.map((component) => [component, { enabled }])) as Record<
    (typeof controlPlaneComponents)[number],
    { enabled: boolean }
  >;
}

export function kubePrometheusStackValues(input: KubePrometheusStackValuesInput): Record<string, unknown> {
  const { config } = input;
  return {
    fullnameOverride: kpsFullname,
    // The CRDs come from their own release (crds.ts), which Helm upgrades; this chart's crds/ copy never would be.
    crds: { enabled: false },
    prometheusOperator: {
      resources: helperResources.operator,
      // Also the reloader sidecars of Prometheus and Alertmanager (the operator injects them).
      prometheusConfigReloader: { resources: helperResources.configReloader },
      admissionWebhooks: { patch: { resources: helperResources.admissionJobs } },
    },
    prometheus: {
      // Headless Service `kps-thanos-discovery` over the sidecars' gRPC port, for Thanos Query.
      thanosService: { enabled: true },
      thanosServiceMonitor: { enabled: true },
      prometheusSpec: {
        ...selectAllNilUsesHelmValues,
        retention: config.prometheus.retention,
        resources: config.prometheus.resources,
        storageSpec: { volumeClaimTemplate: volumeClaimTemplate(config.prometheus.volumeSize, config.storageClass) },
        thanos: {
          // Compaction is left to the operator. 0.93 with Prometheus >= 3.9 (the chart's v3.14) and a
          // Thanos sidecar >= 0.41 (the operator's v0.42) runs "delayed compaction": Prometheus
          // compacts only blocks already uploaded (--storage.tsdb.delay-compact-file.path) and the
          // sidecar uploads only uncompacted 2h blocks (--shipper.ignore-unequal-block-size), so
          // the Thanos compactor remains the only compactor of the bucket; nothing to set here.
          objectStorageConfig: { existingSecret: { name: secretNames.objstore, key: secretKeys.objstore } },
          resources: helperResources.thanosSidecar,
        },
      },
    },
    alertmanager: {
      // Unused by the operator while alertmanagerConfiguration is set; kept strictly parseable (alertmanager.ts).
      config: chartAlertmanagerConfig(),
      alertmanagerSpec: {
        // Routing and the Discord receiver: the global AlertmanagerConfig the stack creates (alertmanager.ts).
        alertmanagerConfiguration: alertmanagerConfiguration(),
        resources: config.alertmanager.resources,
        storage: { volumeClaimTemplate: volumeClaimTemplate(config.alertmanager.volumeSize, config.storageClass) },
      },
    },
    // The chart also gates its alert rules for these components on the same switches.
    ...controlPlaneScrapes(config.prometheus.scrapeControlPlane),
    grafana: grafanaValues(input),
    "kube-state-metrics": { resources: helperResources.kubeStateMetrics },
    "prometheus-node-exporter": {
      // node-exporter needs hostNetwork, hostPID and host paths, which only a privileged namespace
      // admits; the sub-chart's namespaceOverride keeps the rest of the release under restricted.
      namespaceOverride: input.nodeExporterNamespace,
      resources: helperResources.nodeExporter,
    },
  };
}
