import { allPods, cidr, outside, pods, tcp, type PolicyDefinition } from "../../building-blocks/network-policy";
import { victoriaLogs } from "../public";
import { podLabels, ports } from "./names";

/**
 * Every flow the metrics workloads need, on top of the monitoring namespace's default-deny and
 * DNS allow. Pod-to-pod flows are written on both ends (egress at the client, ingress at the
 * server), since both are denied by default.
 *
 * kube-apiserver: pods reach it through the `kubernetes` Service, which CNIs translate to a
 * control-plane node's address before applying policy, so the allow is node network, port 6443.
 * The apiserver's own calls (admission webhook) come from the nodes too.
 */

/** Ports Prometheus always scrapes on the nodes (host-network targets). */
export const nodeScrapePorts = {
  kubeApiserver: ports.kubeApiserver,
  nodeExporter: 9100,
  kubelet: 10250,
  // The Tetragon agent (security stack) runs on the host network and serves metrics there.
  tetragon: 2112,
} as const;

/** Node ports of the control-plane components, opened only when `prometheus.scrapeControlPlane` is on. */
export const controlPlaneScrapePorts = {
  etcdMetrics: 2381,
  kubeProxy: 10249,
  kubeControllerManager: 10257,
  kubeScheduler: 10259,
} as const;

/** Ports of metrics endpoints inside the monitoring namespace (deduplicated: several share 8080). */
export const monitoringMetricsPorts: readonly number[] = [
  ...new Set([
    ports.grafana,
    ports.configReloader,
    ports.kubeStateMetrics,
    ports.kubeStateMetricsTelemetry,
    ports.prometheusWeb,
    ports.alertmanagerWeb,
    ports.operatorHttps,
    ports.thanosHttp,
  ]),
];

export interface MetricsPolicyInput {
  /** Node network: kubelets, node-exporter, kube-apiserver, and where browsers reach Grafana from. */
  readonly nodeCidr: string;
  readonly logsNamespace: string;
  /** Pod and service ranges, excluded from "outside" (S3, Discord, the grafana.com plugin download). */
  readonly podAndServiceCidrs: readonly string[];
  /** TCP port of the MinIO endpoint. */
  readonly s3Port: number;
  /** Whether Prometheus scrapes controller-manager, scheduler, etcd and kube-proxy on the nodes. */
  readonly scrapeControlPlane: boolean;
  /** Namespace of the operator's ingress/Gateway proxies serving grafana.hostname, if any. */
  readonly grafanaIngressNamespace?: string;
}

export function metricsNetworkPolicies(input: MetricsPolicyInput): PolicyDefinition[] {
  const apiserver = { peers: [cidr(input.nodeCidr)], ports: tcp(ports.kubeApiserver) };
  const internet = outside(input.podAndServiceCidrs);
  const s3 = { peers: [internet], ports: tcp(input.s3Port) };
  const https = { peers: [internet], ports: tcp(443) };
  const nodePorts = [...Object.values(nodeScrapePorts), ...(input.scrapeControlPlane ? Object.values(controlPlaneScrapePorts) : [])];
  return [
    {
      name: "prometheus-egress",
      purpose:
        "Prometheus scrapes pods in every namespace and the nodes, watches the API, pushes alerts; its Thanos sidecar uploads blocks to S3",
      podSelector: podLabels.prometheus,
      egress: [{ peers: [allPods] }, { peers: [cidr(input.nodeCidr)], ports: tcp(...nodePorts) }, s3],
    },
    {
      name: "prometheus-ingress",
      purpose: "Grafana queries Prometheus; Thanos Query reads the sidecar's StoreAPI",
      podSelector: podLabels.prometheus,
      ingress: [
        { peers: [pods(podLabels.grafana)], ports: tcp(ports.prometheusWeb) },
        { peers: [pods(podLabels.thanosQuery)], ports: tcp(ports.thanosGrpc) },
      ],
    },
    {
      name: "scrape-ingress",
      purpose: "Prometheus scrapes the metrics endpoints of every pod in this namespace",
      podSelector: {},
      ingress: [{ peers: [pods(podLabels.prometheus)], ports: tcp(...monitoringMetricsPorts) }],
    },
    {
      name: "alertmanager",
      purpose: "Prometheus sends alerts and Grafana reads them; Alertmanager posts to the Discord webhook",
      podSelector: podLabels.alertmanager,
      ingress: [{ peers: [pods(podLabels.prometheus), pods(podLabels.grafana)], ports: tcp(ports.alertmanagerWeb) }],
      egress: [https],
    },
    {
      name: "grafana",
      purpose:
        "Browsers reach Grafana from the node network or through the configured ingress namespace; Grafana queries its datasources, its sidecars watch ConfigMaps, " +
        "and it installs the VictoriaLogs datasource plugin from grafana.com",
      podSelector: podLabels.grafana,
      ingress: [
        {
          // Every pod there: proxies' labels differ between ingress controllers and Gateways.
          peers: [cidr(input.nodeCidr), ...(input.grafanaIngressNamespace ? [pods({}, input.grafanaIngressNamespace)] : [])],
          ports: tcp(ports.grafana),
        },
      ],
      egress: [
        { peers: [pods(podLabels.thanosQuery)], ports: tcp(ports.thanosHttp) },
        { peers: [pods(podLabels.prometheus)], ports: tcp(ports.prometheusWeb) },
        { peers: [pods(podLabels.alertmanager)], ports: tcp(ports.alertmanagerWeb) },
        { peers: [pods(victoriaLogs.podLabels, input.logsNamespace)], ports: tcp(victoriaLogs.httpPort) },
        apiserver,
        https,
      ],
    },
    {
      name: "prometheus-operator",
      purpose: "The operator manages its resources through the API; the API server calls its admission webhook",
      podSelector: podLabels.operator,
      ingress: [{ peers: [cidr(input.nodeCidr)], ports: tcp(ports.operatorHttps) }],
      egress: [apiserver],
    },
    {
      name: "admission-create",
      purpose: "The webhook certificate Job writes its Secret through the API",
      podSelector: podLabels.admissionCreate,
      egress: [apiserver],
    },
    {
      name: "admission-patch",
      purpose: "The webhook patch Job updates the webhook configurations through the API",
      podSelector: podLabels.admissionPatch,
      egress: [apiserver],
    },
    {
      name: "kube-state-metrics",
      purpose: "kube-state-metrics lists and watches objects through the API",
      podSelector: podLabels.kubeStateMetrics,
      egress: [apiserver],
    },
    {
      name: "thanos-query",
      purpose: "Grafana queries Thanos Query, which fans out to the Prometheus sidecars and the store gateway",
      podSelector: podLabels.thanosQuery,
      ingress: [{ peers: [pods(podLabels.grafana)], ports: tcp(ports.thanosHttp) }],
      egress: [{ peers: [pods(podLabels.prometheus), pods(podLabels.thanosStoreGateway)], ports: tcp(ports.thanosGrpc) }],
    },
    {
      name: "thanos-store-gateway",
      purpose: "Thanos Query reads the store gateway, which serves blocks from S3",
      podSelector: podLabels.thanosStoreGateway,
      ingress: [{ peers: [pods(podLabels.thanosQuery)], ports: tcp(ports.thanosGrpc) }],
      egress: [s3],
    },
    {
      name: "thanos-compactor",
      purpose: "The compactor compacts, downsamples and expires blocks in S3",
      podSelector: podLabels.thanosCompact,
      egress: [s3],
    },
  ];
}
