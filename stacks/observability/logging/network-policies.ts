import { cidr, pods, tcp, type Peer, type PolicyDefinition } from "../../building-blocks/network-policy";
import { monitoringPodLabels } from "../public";
import { collectorPodLabels, ports, victoriaLogsPodLabels } from "./names";
import type { SyslogExposure } from "./syslog";

/**
 * Every flow the logging half needs, on top of the default-deny + DNS that PlatformNamespace
 * installs. Flows between our two namespaces are written on both ends (egress at the collector,
 * ingress at VictoriaLogs); flows from the monitoring namespace need the matching egress there
 * (metrics/network-policies.ts).
 */

/** A policy and which of the two logging namespaces it belongs to. */
export interface LoggingPolicy {
  readonly in: "logs" | "collector";
  readonly definition: PolicyDefinition;
}

export interface LoggingPolicyInput {
  readonly logsNamespace: string;
  readonly collectorNamespace: string;
  readonly monitoringNamespace: string;
  /** The node network: kube-apiserver lives there, and devices on it send syslog. */
  readonly nodeCidr: string;
  readonly syslog: SyslogExposure;
}

export function loggingNetworkPolicies(input: LoggingPolicyInput): LoggingPolicy[] {
  const prometheus = pods(monitoringPodLabels.prometheus, input.monitoringNamespace);
  return [
    {
      in: "logs",
      definition: {
        name: "allow-collector-ingest",
        purpose: "The log collector ships pod logs to VictoriaLogs",
        podSelector: victoriaLogsPodLabels,
        ingress: [{ peers: [pods(collectorPodLabels, input.collectorNamespace)], ports: tcp(ports.victoriaLogsHttp) }],
      },
    },
    {
      in: "logs",
      definition: {
        name: "allow-grafana-query",
        purpose: "Grafana's VictoriaLogs datasource runs LogsQL queries",
        podSelector: victoriaLogsPodLabels,
        ingress: [{ peers: [pods(monitoringPodLabels.grafana, input.monitoringNamespace)], ports: tcp(ports.victoriaLogsHttp) }],
      },
    },
    {
      in: "logs",
      definition: {
        name: "allow-prometheus-scrape",
        purpose: "Prometheus scrapes VictoriaLogs' /metrics",
        podSelector: victoriaLogsPodLabels,
        ingress: [{ peers: [prometheus], ports: tcp(ports.victoriaLogsHttp) }],
      },
    },
    {
      in: "logs",
      definition: {
        name: "allow-syslog",
        purpose: "Network devices send syslog (TCP and UDP 514)",
        podSelector: victoriaLogsPodLabels,
        ingress: [
          {
            peers: syslogSources(input),
            ports: [
              { port: ports.syslog, protocol: "TCP" },
              { port: ports.syslog, protocol: "UDP" },
            ],
          },
        ],
      },
    },
    {
      in: "collector",
      definition: {
        name: "allow-victoria-logs-egress",
        purpose: "The log collector ships pod logs to VictoriaLogs",
        podSelector: collectorPodLabels,
        egress: [{ peers: [pods(victoriaLogsPodLabels, input.logsNamespace)], ports: tcp(ports.victoriaLogsHttp) }],
      },
    },
    {
      in: "collector",
      definition: {
        name: "allow-apiserver-egress",
        // Policies see the connection after the `kubernetes` Service is translated, i.e. to a
        // control-plane node on 6443. On Cilium an ipBlock matches node addresses only with
        // policy-cidr-match-mode=nodes (otherwise use the kube-apiserver entity).
        purpose: "The log collector reads pod names and labels from kube-apiserver",
        podSelector: collectorPodLabels,
        egress: [{ peers: [cidr(input.nodeCidr)], ports: tcp(ports.kubeApiserver) }],
      },
    },
    {
      in: "collector",
      definition: {
        name: "allow-prometheus-scrape",
        purpose: "Prometheus scrapes the log collector's /metrics",
        podSelector: collectorPodLabels,
        ingress: [{ peers: [prometheus], ports: tcp(ports.collectorHttp) }],
      },
    },
  ];
}

/**
 * Who may send syslog: the node network always (devices there, host-network proxies); through a
 * Gateway, its proxy pods; behind a LoadBalancer, the extra device networks from config (the
 * Service keeps client addresses, so they are what the policy sees).
 */
function syslogSources(input: LoggingPolicyInput): Peer[] {
  const nodes = cidr(input.nodeCidr);
  if (input.syslog.type === "gateway") {
    return [nodes, pods({}, input.syslog.proxyNamespace ?? input.syslog.gatewayNamespace)];
  }
  return [nodes, ...input.syslog.sourceCidrs.map((block) => cidr(block))];
}
