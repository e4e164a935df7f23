import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformNamespace } from "../../components/platform-namespace";
import type { ObservabilityConfig } from "../../config/schema";
import type { WorkloadRequest } from "../../lib/capacity";
import { deployObservabilityAlerts } from "./alerts";
import { deployLogging, type SyslogEndpoint } from "./logging";
import { deployMetrics, type DatasourceUrls } from "./metrics";
import { grafanaRoute, type GrafanaGatewayRef } from "./metrics/grafana-route";
import type { MetricsSecretsArgs } from "./metrics/secrets";
import { victoriaLogsUrlFor } from "./public";

export type { DatasourceUrls } from "./metrics";
export type { SyslogEndpoint } from "./logging";
/** The stack's public surface: what other stacks may use (see public.ts). */
export * from "./public";

/**
 * `thanosBucket` (MinIO endpoint/region from config, bucket from S3Buckets, keys from SOPS),
 * `discordWebhookUrl` and `grafanaAdmin` are secrets the metrics half turns into Kubernetes Secrets.
 */
export interface ObservabilityStackArgs extends Pick<MetricsSecretsArgs, "thanosBucket" | "discordWebhookUrl" | "grafanaAdmin"> {
  /** home-platform:observability. */
  readonly config: ObservabilityConfig;
  /** IANA zone for dashboards and RFC3164 syslog timestamps. */
  readonly timezone: string;
  /** Node network: kubelets and node-exporter are scraped there, the API server and browsers live there. */
  readonly nodeCidr: string;
  /** Pod and service ranges (cluster.network.podCidr/serviceCidr): in-cluster, never "the internet". */
  readonly podAndServiceCidrs: readonly string[];
  /** A Gateway that serves Grafana by hostname (the foundations layer's): an HTTPRoute attaches to it. */
  readonly grafanaGateway?: GrafanaGatewayRef;
}

/**
 * Metrics, dashboards, alerting and logs: kube-prometheus-stack with a Thanos sidecar, Thanos
 * (query, store gateway, compactor) on MinIO, Grafana, Alertmanager to Discord, and VictoriaLogs.
 *
 * Pass the cluster's Kubernetes provider as `opts.provider`; every child uses it. The monitoring
 * namespace enforces `restricted`: only node-exporter (own namespace) and the log collector (own
 * namespace) need host access.
 */
export class ObservabilityStack extends pulumi.ComponentResource {
  /** The monitoring namespace (Prometheus, Alertmanager, Grafana, Thanos). */
  readonly namespace: pulumi.Output<string>;
  /** The VictoriaLogs namespace. */
  readonly logsNamespace: pulumi.Output<string>;
  /** In-cluster URLs of Grafana's datasources. */
  readonly grafanaDatasources: pulumi.Output<DatasourceUrls>;
  /**
   * https://<grafana.hostname>, where the operator's own ingress or Gateway serves Grafana (this
   * stack creates no Ingress or route), or the in-cluster Service URL when no hostname is configured.
   */
  readonly grafanaUrl: pulumi.Output<string>;
  /** Where network devices send syslog. */
  readonly syslogEndpoint: pulumi.Output<SyslogEndpoint>;
  /** Requests of every workload this stack runs, for the capacity report. */
  readonly workloadRequests: WorkloadRequest[];

  constructor(name: string, args: ObservabilityStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("home-platform:observability:ObservabilityStack", name, {}, opts);
    const { config } = args;
    // Each half gets the part of the section it reads.
    const { victoriaLogs, ...metricsConfig } = config;
    const loggingConfig = { logsNamespace: config.logsNamespace, storageClass: config.storageClass, victoriaLogs };

    // Prometheus, Alertmanager, the Thanos store gateway and compactor keep their data in PVCs here.
    const monitoring = new PlatformNamespace(
      `${name}-monitoring`,
      { name: config.namespace, podSecurity: "restricted", holdsState: true },
      { parent: this },
    );
    this.namespace = monitoring.name;

    const { timezone, nodeCidr } = args;
    const metrics = deployMetrics(
      `${name}-metrics`,
      {
        config: metricsConfig,
        timezone,
        nodeCidr,
        podAndServiceCidrs: args.podAndServiceCidrs,
        namespace: monitoring.name,
        thanosBucket: args.thanosBucket,
        discordWebhookUrl: args.discordWebhookUrl,
        grafanaAdmin: args.grafanaAdmin,
        victoriaLogsUrl: victoriaLogsUrlFor(config.logsNamespace),
        // Grafana's root_url follows the Gateway that serves it: http:// without a certificate.
        grafanaScheme: args.grafanaGateway && !args.grafanaGateway.https ? "http" : "https",
      },
      this,
    );

    // The logging charts ship a ServiceMonitor/PodMonitor: they wait for the monitoring CRDs.
    const logging = deployLogging(
      `${name}-logging`,
      { config: loggingConfig, timezone, nodeCidr, monitoringNamespace: config.namespace, monitoringCrds: metrics.monitoringCrds },
      this,
    );

    // PrometheusRules need the monitoring CRDs. The CRD release's `namespace` output is only known
    // once the release is installed, so using it as the namespace orders the rules after it.
    deployObservabilityAlerts(`${name}-alerts`, { namespace: metrics.monitoringCrds.namespace }, this);

    if (args.grafanaGateway) {
      new k8s.apiextensions.CustomResource(`${name}-grafana-route`, grafanaRoute(args.grafanaGateway, config.namespace), {
        parent: this,
        dependsOn: [monitoring],
      });
    }

    this.logsNamespace = logging.namespace;
    this.grafanaDatasources = metrics.grafanaDatasources;
    this.grafanaUrl = metrics.grafanaUrl;
    this.syslogEndpoint = logging.syslogEndpoint;
    this.workloadRequests = [...metrics.workloadRequests, ...logging.workloadRequests];

    this.registerOutputs({
      namespace: this.namespace,
      logsNamespace: this.logsNamespace,
      grafanaDatasources: this.grafanaDatasources,
      grafanaUrl: this.grafanaUrl,
      syslogEndpoint: this.syslogEndpoint,
      workloadRequests: this.workloadRequests,
    });
  }
}
