/**
 * Names, ports and pod labels of the metrics workloads, in one place. The Helm values, the
 * NetworkPolicies, the Grafana datasources and the stack outputs all read them from here, so a
 * renamed release cannot leave a policy or a datasource pointing at nothing.
 *
 * Object names follow from the release names: kube-prometheus-stack gets `fullnameOverride: kps`
 * (so `kps-prometheus`, `kps-alertmanager`, `kps-thanos-discovery`), its Grafana sub-chart is
 * `<release>-grafana`, and the Thanos chart uses the release name as its full name when the
 * release name contains "thanos". Names other parts of the stack or other stacks use (release
 * names, the dashboard label, datasource UIDs, Prometheus' and Grafana's pod labels) live in
 * ../public.ts.
 */

import { monitoringPodLabels, releases, serviceHost } from "../public";

export { releases };

/** kube-prometheus-stack's `fullnameOverride`: the prefix of the Prometheus, Alertmanager and operator objects. */
export const kpsFullname = "kps";

export const secretNames = {
  /** Thanos objstore config, shared by the sidecar (kube-prometheus-stack) and the Thanos chart. */
  objstore: "thanos-objstore",
  /** Grafana admin user and password. */
  grafanaAdmin: "grafana-admin",
  /** Discord webhook URL, read by the operator through the AlertmanagerConfig's `apiURL`. */
  discord: "alertmanager-discord",
} as const;

export const secretKeys = {
  objstore: "objstore.yml",
  grafanaUser: "admin-user",
  grafanaPassword: "admin-password",
  discordWebhookUrl: "webhook-url",
} as const;

/** The global AlertmanagerConfig (routes, receivers, inhibit rules), named by `alertmanagerSpec.alertmanagerConfiguration`. */
export const alertmanagerConfigName = "platform-alerting";

export const services = {
  prometheus: { name: `${kpsFullname}-prometheus`, port: 9090 },
  alertmanager: { name: `${kpsFullname}-alertmanager`, port: 9093 },
  /** Headless Service over the Thanos sidecars' gRPC port, for DNS SRV discovery. */
  thanosDiscovery: { name: `${kpsFullname}-thanos-discovery`, port: 10901 },
  grafana: { name: `${releases.kubePrometheusStack}-grafana`, port: 80 },
  thanosQuery: { name: `${releases.thanos}-query`, port: 10902 },
} as const;

/** Container ports NetworkPolicies name (policies match pod ports, not Service ports). */
export const ports = {
  prometheusWeb: 9090,
  alertmanagerWeb: 9093,
  grafana: 3000,
  /** The operator's HTTPS port: admission webhook and metrics (chart `prometheusOperator.tls.internalPort`). */
  operatorHttps: 10250,
  /** prometheus-config-reloader's web port, in the Prometheus and Alertmanager pods. */
  configReloader: 8080,
  kubeStateMetrics: 8080,
  kubeStateMetricsTelemetry: 8081,
  thanosGrpc: 10901,
  thanosHttp: 10902,
  kubeApiserver: 6443,
} as const;

/** Pod labels set by the charts and the operator (selector labels, which do not change between versions). */
export const podLabels = {
  ...monitoringPodLabels,
  alertmanager: { "app.kubernetes.io/name": "alertmanager" },
  operator: { app: "kube-prometheus-stack-operator" },
  admissionCreate: { app: "kube-prometheus-stack-admission-create" },
  admissionPatch: { app: "kube-prometheus-stack-admission-patch" },
  kubeStateMetrics: { "app.kubernetes.io/name": "kube-state-metrics" },
  thanosQuery: { "app.kubernetes.io/name": "thanos", "app.kubernetes.io/component": "query" },
  thanosStoreGateway: { "app.kubernetes.io/name": "thanos", "app.kubernetes.io/component": "store-gateway" },
  thanosCompact: { "app.kubernetes.io/name": "thanos", "app.kubernetes.io/component": "compact" },
} as const;

/** Thanos Query's `--endpoint` for the sidecars: DNS SRV over the discovery Service's `grpc` port. */
export function sidecarEndpoint(namespace: string): string {
  return `dnssrv+_grpc._tcp.${serviceHost(services.thanosDiscovery.name, namespace)}`;
}
