import * as ipaddr from "ipaddr.js";
import { networkPolicySpec, type NetworkPolicySpec, type PeerSpec } from "../../../../stacks/building-blocks/network-policy";
import { collectorPodLabels, victoriaLogsPodLabels } from "../../../../stacks/observability/logging/names";
import { podLabels } from "../../../../stacks/observability/metrics/names";
import { loggingNetworkPolicies, type LoggingPolicyInput } from "../../../../stacks/observability/logging/network-policies";
import type { SyslogExposure } from "../../../../stacks/observability/logging/syslog";
import { stackConfig } from "../../../helpers/stack-config";

/**
 * The policies are checked by what they allow, not by their shape: a tiny evaluator applies
 * Kubernetes' rules (a pod in a namespace with policies of a direction is isolated in that
 * direction; a connection needs an allow on the egress side and on the ingress side) to flows
 * between labelled pods and plain addresses. Both logging namespaces deny everything by default
 * (PlatformNamespace); namespaces that are not ours are treated as unrestricted.
 */

type Pod = { readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
type Address = { readonly ip: string };
type Endpoint = Pod | Address;

const isPod = (endpoint: Endpoint): endpoint is Pod => "namespace" in endpoint;

function matchesLabels(selector: { matchLabels?: Record<string, string> } | undefined, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

function peerMatches(peer: PeerSpec, endpoint: Endpoint, policyNamespace: string): boolean {
  if (peer.ipBlock) {
    if (isPod(endpoint)) return false;
    const [network, prefix] = ipaddr.IPv4.parseCIDR(peer.ipBlock.cidr);
    return ipaddr.IPv4.parse(endpoint.ip).match(network, prefix);
  }
  if (!isPod(endpoint)) return false;
  const namespaceOk = peer.namespaceSelector
    ? matchesLabels(peer.namespaceSelector, { "kubernetes.io/metadata.name": endpoint.namespace })
    : endpoint.namespace === policyNamespace;
  return namespaceOk && matchesLabels(peer.podSelector, endpoint.labels);
}

interface Placed {
  readonly namespace: string;
  readonly spec: NetworkPolicySpec;
}

class Cluster {
  constructor(
    private readonly policies: readonly Placed[],
    private readonly isolated: ReadonlySet<string>,
  ) {}

  allows(from: Endpoint, to: Endpoint, port: number, protocol: "TCP" | "UDP" = "TCP"): boolean {
    return this.side(from, to, port, protocol, "egress") && this.side(to, from, port, protocol, "ingress");
  }

  private side(self: Endpoint, other: Endpoint, port: number, protocol: string, direction: "ingress" | "egress"): boolean {
    if (!isPod(self) || !this.isolated.has(self.namespace)) return true;
    return this.policies
      .filter((policy) => policy.namespace === self.namespace && matchesLabels(policy.spec.podSelector, self.labels))
      .flatMap((policy) => (policy.spec[direction] ?? []).map((rule) => ({ rule, namespace: policy.namespace })))
      .some(({ rule, namespace }) => {
        const peers = (direction === "ingress" ? rule.from : rule.to) ?? [];
        const portOk = !rule.ports || rule.ports.some((p) => p.port === port && p.protocol === protocol);
        return portOk && peers.some((peer) => peerMatches(peer, other, namespace));
      });
  }
}

const home = stackConfig("home");
const lab = stackConfig("lab");
const logs = "logging";
const collectorNs = "logging-collector";
const monitoring = "monitoring";

function cluster(syslog: SyslogExposure, nodeCidr = home.cluster.network.cidr): Cluster {
  const input: LoggingPolicyInput = { logsNamespace: logs, collectorNamespace: collectorNs, monitoringNamespace: monitoring, nodeCidr, syslog };
  const placed = loggingNetworkPolicies(input).map(({ in: where, definition }) => ({
    namespace: where === "logs" ? logs : collectorNs,
    spec: networkPolicySpec(definition),
  }));
  return new Cluster(placed, new Set([logs, collectorNs]));
}

const victoriaLogs: Pod = { namespace: logs, labels: { ...victoriaLogsPodLabels, app: "server" } };
const collector: Pod = { namespace: collectorNs, labels: { ...collectorPodLabels } };
const grafana: Pod = { namespace: monitoring, labels: { ...podLabels.grafana } };
const prometheus: Pod = { namespace: monitoring, labels: { ...podLabels.prometheus } };
const alertmanager: Pod = { namespace: monitoring, labels: { ...podLabels.alertmanager } };
const nodeIp = (config: typeof home) => ({ ip: config.cluster.nodes[0].ip });

describe("logging NetworkPolicies", () => {
  const homeCluster = cluster(home.observability.victoriaLogs.syslog);

  test("the collector ships to VictoriaLogs on 9428, and nothing else", () => {
    expect(homeCluster.allows(collector, victoriaLogs, 9428)).toBe(true);
    expect(homeCluster.allows(collector, victoriaLogs, 514)).toBe(false);
    expect(homeCluster.allows(collector, victoriaLogs, 9428, "UDP")).toBe(false);
    expect(homeCluster.allows(collector, { ip: "1.1.1.1" }, 443)).toBe(false);
  });

  test("Grafana queries VictoriaLogs; Prometheus scrapes VictoriaLogs and the collector", () => {
    expect(homeCluster.allows(grafana, victoriaLogs, 9428)).toBe(true);
    expect(homeCluster.allows(prometheus, victoriaLogs, 9428)).toBe(true);
    expect(homeCluster.allows(prometheus, collector, 9429)).toBe(true);
    expect(homeCluster.allows(grafana, collector, 9429)).toBe(false);
  });

  test("other pods, or the same labels in another namespace, are denied", () => {
    expect(homeCluster.allows(alertmanager, victoriaLogs, 9428)).toBe(false);
    expect(homeCluster.allows({ namespace: "default", labels: { ...podLabels.prometheus } }, victoriaLogs, 9428)).toBe(false);
    expect(homeCluster.allows({ namespace: "default", labels: { ...collectorPodLabels } }, victoriaLogs, 9428)).toBe(false);
  });

  test("the collector reaches kube-apiserver on the control-plane nodes (6443)", () => {
    expect(homeCluster.allows(collector, nodeIp(home), 6443)).toBe(true);
    expect(homeCluster.allows(collector, nodeIp(home), 10250)).toBe(false);
    expect(homeCluster.allows(victoriaLogs, nodeIp(home), 6443)).toBe(false);
  });

  test.each(["TCP", "UDP"] as const)("syslog %s 514 from the node network is admitted, from elsewhere not", (protocol) => {
    expect(homeCluster.allows(nodeIp(home), victoriaLogs, 514, protocol)).toBe(true);
    expect(homeCluster.allows({ ip: "10.200.0.7" }, victoriaLogs, 514, protocol)).toBe(false);
    expect(homeCluster.allows(nodeIp(home), victoriaLogs, 9428, protocol)).toBe(false);
  });

  test("behind a Gateway, its proxy pods may send syslog (and only syslog)", () => {
    const syslog = home.observability.victoriaLogs.syslog;
    if (syslog.type !== "gateway") throw new Error("home is expected to use a Gateway");
    const proxy: Pod = { namespace: syslog.proxyNamespace ?? syslog.gatewayNamespace, labels: { "app.kubernetes.io/name": "envoy" } };
    expect(homeCluster.allows(proxy, victoriaLogs, 514, "UDP")).toBe(true);
    expect(homeCluster.allows(proxy, victoriaLogs, 514, "TCP")).toBe(true);
    expect(homeCluster.allows(proxy, victoriaLogs, 9428)).toBe(false);
    // Without proxyNamespace the Gateway's own namespace is the one admitted.
    const defaulted = cluster({ ...syslog, proxyNamespace: undefined });
    expect(defaulted.allows({ namespace: syslog.gatewayNamespace, labels: {} }, victoriaLogs, 514, "UDP")).toBe(true);
    expect(defaulted.allows(proxy, victoriaLogs, 514, "UDP")).toBe(proxy.namespace === syslog.gatewayNamespace);
  });

  test("behind the LoadBalancer (lab), extra device networks come from config", () => {
    const syslog = lab.observability.victoriaLogs.syslog;
    if (syslog.type !== "loadBalancer") throw new Error("lab is expected to use a LoadBalancer");
    const device = { ip: "10.20.30.40" };
    expect(cluster(syslog, lab.cluster.network.cidr).allows(nodeIp(lab), victoriaLogs, 514, "UDP")).toBe(true);
    expect(cluster(syslog, lab.cluster.network.cidr).allows(device, victoriaLogs, 514, "UDP")).toBe(false);
    const widened = cluster({ ...syslog, sourceCidrs: ["10.20.30.0/24"] }, lab.cluster.network.cidr);
    expect(widened.allows(device, victoriaLogs, 514, "UDP")).toBe(true);
    expect(widened.allows(device, victoriaLogs, 9428)).toBe(false);
  });

  test("every policy has a purpose and a unique name in its namespace", () => {
    const policies = loggingNetworkPolicies({
      logsNamespace: logs,
      collectorNamespace: collectorNs,
      monitoringNamespace: monitoring,
      nodeCidr: home.cluster.network.cidr,
      syslog: home.observability.victoriaLogs.syslog,
    });
    const keys = policies.map(({ in: where, definition }) => `${where}/${definition.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const { definition } of policies) expect(definition.purpose.length).toBeGreaterThan(10);
  });
});
