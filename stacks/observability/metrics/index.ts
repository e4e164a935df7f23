import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformNamespace } from "../../../components/platform-namespace";
import { nodeExporterNamespaceName } from "../../../config/namespaces";
import type { ObservabilityConfig } from "../../../config/schema";
import type { WorkloadRequest } from "../../../lib/capacity";
import { pinnedRelease } from "../../../lib/helm";
import { createNetworkPolicies } from "../../../lib/network-policy";
import { charts } from "../../../versions";
import { grafanaUrl, metricsDatasourceUrls, type DatasourceUrls } from "./grafana";
import { kubePrometheusStackValues } from "./kube-prometheus-stack";
import { releases } from "./names";
import { metricsNetworkPolicies } from "./network-policies";
import { s3Port } from "./objstore";
import { createMetricsSecrets, type MetricsSecretsArgs } from "./secrets";
import { metricsWorkloadRequests } from "./sizing";
import { thanosValues } from "./thanos";
import { privilegedReasons } from "../../../policy/rules/pod-security";

export type { DatasourceUrls } from "./grafana";

export interface MetricsArgs extends Omit<MetricsSecretsArgs, "namespace"> {
  readonly config: ObservabilityConfig;
  /** IANA zone for dashboards. */
  readonly timezone: string;
  readonly nodeCidr: string;
  /** Pod and service ranges: never "the internet" for the S3, Discord and grafana.com (plugin) allows. */
  readonly clusterCidrs: readonly string[];
  /** The monitoring namespace's name as an Output of the namespace resource (orders creation after it). */
  readonly namespace: pulumi.Output<string>;
  /** VictoriaLogs query URL, from the logs half. */
  readonly victoriaLogsUrl: pulumi.Input<string>;
}

export interface Metrics {
  readonly grafanaDatasources: pulumi.Output<DatasourceUrls>;
  readonly grafanaUrl: pulumi.Output<string>;
  readonly workloadRequests: WorkloadRequest[];
  /** The kube-prometheus-stack release: it installs the monitoring CRDs (ServiceMonitor, PrometheusRule). */
  readonly kubePrometheusStack: k8s.helm.v3.Release;
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
      clusterCidrs: args.clusterCidrs,
      s3Port: s3Port(args.thanosBucket.endpoint),
      scrapeControlPlane: config.prometheus.scrapeControlPlane,
      grafanaIngressNamespace: config.grafana.ingressNamespace,
    }),
    { parent },
  );
  const secrets = createMetricsSecrets(name, { ...args, namespace: args.namespace }, { parent });

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
      }),
      timeoutMinutes: 15,
    },
    { parent, dependsOn: [...policies, ...secrets, nodeExporter] },
  );

  // Thanos' ServiceMonitors need the CRDs kube-prometheus-stack installs.
  pinnedRelease(
    `${name}-thanos`,
    { releaseName: releases.thanos, namespace: args.namespace, pin: charts.thanos, values: thanosValues({ config, namespace }) },
    { parent, dependsOn: [...policies, ...secrets, kubePrometheusStack] },
  );

  return {
    grafanaDatasources: pulumi.output({ ...metricsDatasourceUrls(namespace), victoriaLogs: args.victoriaLogsUrl }),
    grafanaUrl: pulumi.output(grafanaUrl(config.grafana, namespace)),
    workloadRequests: metricsWorkloadRequests(config),
    kubePrometheusStack,
  };
}
