import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformNamespace } from "../../../components/platform-namespace";
import { nodeExporterNamespaceName } from "../../../config/namespaces";
import type { ObservabilityConfig } from "../../../config/schema";
import type { WorkloadRequest } from "../../../lib/capacity";
import { pinnedRelease } from "../../building-blocks/helm-release";
import { createNetworkPolicies } from "../../building-blocks/network-policy";
import { charts } from "../../../versions";
import { alertmanagerConfigObject } from "./alertmanager";
import { deployMonitoringCrds } from "./crds";
import { grafanaUrl, metricsDatasourceUrls, type DatasourceUrls, type GrafanaScheme } from "./grafana";
import { kubePrometheusStackValues } from "./kube-prometheus-stack";
import { releases } from "./names";
import { metricsNetworkPolicies } from "./network-policies";
import { s3Port } from "./objstore";
import { createMetricsSecrets, type MetricsSecretsArgs } from "./secrets";
import { metricsWorkloadRequests } from "./sizing";
import { thanosValues } from "./thanos";
import { privilegedReasons } from "../../../lib/pod-security";

export type { DatasourceUrls } from "./grafana";

/** The part of `home-platform:observability` the metrics half reads: everything but the logs' own settings. */
export type MetricsConfig = Omit<ObservabilityConfig, "victoriaLogs">;

export interface MetricsArgs extends Omit<MetricsSecretsArgs, "namespace"> {
  readonly config: MetricsConfig;
  /** IANA zone for dashboards. */
  readonly timezone: string;
  readonly nodeCidr: string;
  /** Pod and service ranges: never "the internet" for the S3, Discord and grafana.com (plugin) allows. */
  readonly podAndServiceCidrs: readonly string[];
  /** The monitoring namespace's name as an Output of the namespace resource (orders creation after it). */
  readonly namespace: pulumi.Output<string>;
  /** VictoriaLogs query URL, from the logs half. */
  readonly victoriaLogsUrl: pulumi.Input<string>;
  /** https unless Grafana's hostname is served on plain HTTP only. Defaults to https. */
  readonly grafanaScheme?: GrafanaScheme;
}

export interface Metrics {
  readonly grafanaDatasources: pulumi.Output<DatasourceUrls>;
  readonly grafanaUrl: pulumi.Output<string>;
  readonly workloadRequests: WorkloadRequest[];
  /** The release of the monitoring.coreos.com CRDs (ServiceMonitor, PrometheusRule...): their users wait for it. */
  readonly monitoringCrds: k8s.helm.v3.Release;
}

/**
 * The metrics half of the observability stack: Secrets, NetworkPolicies, then
 * kube-prometheus-stack and Thanos. Children are parented to `parent` and use its Kubernetes
 * provider. The releases wait for the policies, since their install hooks (the webhook
 * certificate Jobs) already run under the namespace's default-deny.
 */
export function deployMetrics(name: string, args: MetricsArgs, parent: pulumi.Resource): Metrics {
  const { config } = args;
  const namespace = config.namespace;

  const nodeExporter = new PlatformNamespace(
    `${name}-node-exporter`,
    {
      name: nodeExporterNamespaceName(namespace, config.prometheus.nodeExporterNamespace),
      podSecurity: "privileged",
      privilegedReason: privilegedReasons.nodeExporter,
    },
    { parent },
  );

  const policies = createNetworkPolicies(
    `${name}-netpol`,
    args.namespace,
    metricsNetworkPolicies({
      nodeCidr: args.nodeCidr,
      logsNamespace: config.logsNamespace,
      podAndServiceCidrs: args.podAndServiceCidrs,
      s3Port: s3Port(args.thanosBucket.endpoint),
      scrapeControlPlane: config.prometheus.scrapeControlPlane,
      grafanaIngressNamespace: config.grafana.ingressNamespace,
    }),
    { parent },
  );
  const secrets = createMetricsSecrets(name, { ...args, namespace: args.namespace }, { parent });
  // First: the operator and every ServiceMonitor, PrometheusRule and AlertmanagerConfig need them.
  const monitoringCrds = deployMonitoringCrds(`${name}-crds`, args.namespace, { parent });

  // Before kube-prometheus-stack: the Alertmanager it creates names this object as its global
  // config, and the operator resolves its Discord Secret when it builds the config.
  const alerting = alertmanagerConfigObject(namespace);
  const alertmanagerConfig = new k8s.apiextensions.CustomResource(
    `${name}-alertmanager-config`,
    { apiVersion: alerting.apiVersion, kind: alerting.kind, metadata: { ...alerting.metadata, namespace: args.namespace }, spec: alerting.spec },
    { parent, dependsOn: [monitoringCrds, ...secrets] },
  );

  const kubePrometheusStack = pinnedRelease(
    `${name}-kube-prometheus-stack`,
    {
      releaseName: releases.kubePrometheusStack,
      namespace: args.namespace,
      pin: charts.kubePrometheusStack,
      values: kubePrometheusStackValues({
        config,
        namespace,
        nodeExporterNamespace: nodeExporterNamespaceName(namespace, config.prometheus.nodeExporterNamespace),
        timezone: args.timezone,
        victoriaLogsUrl: args.victoriaLogsUrl,
        grafanaScheme: args.grafanaScheme,
      }),
      timeoutMinutes: 15,
      skipCrds: true,
    },
    { parent, dependsOn: [...policies, ...secrets, nodeExporter, monitoringCrds, alertmanagerConfig] },
  );

  // Thanos' ServiceMonitors need the CRDs; its sidecar endpoints come with kube-prometheus-stack.
  pinnedRelease(
    `${name}-thanos`,
    { releaseName: releases.thanos, namespace: args.namespace, pin: charts.thanos, values: thanosValues({ config, namespace }) },
    { parent, dependsOn: [...policies, ...secrets, monitoringCrds, kubePrometheusStack] },
  );

  return {
    grafanaDatasources: pulumi.output({ ...metricsDatasourceUrls(namespace), victoriaLogs: args.victoriaLogsUrl }),
    grafanaUrl: pulumi.output(grafanaUrl(config.grafana, namespace, args.grafanaScheme)),
    workloadRequests: metricsWorkloadRequests(config),
    monitoringCrds,
  };
}
