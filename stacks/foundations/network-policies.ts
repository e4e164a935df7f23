import { allPods, apiServerPorts, cidr, pods, tcp, type PolicyDefinition, type PolicyPort } from "../building-blocks/network-policy";
import type { GatewayConfig } from "../../config/schema";
import { gatewayListenerSpecs, proxyPodLabels } from "./gateway-objects";

/**
 * Flows the foundations need beyond default-deny and DNS (PlatformNamespace). Cilium itself runs in
 * kube-system on the host network, where NetworkPolicies do not apply.
 */

/** Envoy Gateway shifts listener ports below 1024 up by 10000 inside the proxy pod (no NET_BIND_SERVICE). */
export function containerPort(port: number): number {
  return port < 1024 ? port + 10000 : port;
}

const controllerLabels = { "control-plane": "envoy-gateway" } as const;
/** xDS: the proxies fetch their configuration from the controller. */
const xdsPort = 18000;

export function envoyGatewayPolicies(gateway: GatewayConfig | undefined, apiCidrs: readonly string[]): PolicyDefinition[] {
  const api = { peers: apiCidrs.map((block) => cidr(block)), ports: tcp(...apiServerPorts) };
  const policies: PolicyDefinition[] = [
    {
      name: "controller",
      purpose: "Envoy Gateway watches Gateway API objects and serves xDS to its proxies",
      podSelector: controllerLabels,
      ingress: [{ peers: [pods({ "app.kubernetes.io/managed-by": "envoy-gateway" })], ports: tcp(xdsPort) }],
      egress: [api],
    },
    {
      // certgen (a Helm hook Job) writes the control-plane certificates as Secrets.
      name: "certgen",
      purpose: "the certgen Job creates Envoy Gateway's TLS Secrets through the API",
      podSelector: { app: "certgen" },
      egress: [api],
    },
  ];
  if (gateway) {
    const ports: PolicyPort[] = gatewayListenerSpecs(gateway).map((listener) => ({
      port: containerPort(listener.port),
      protocol: listener.protocol === "UDP" ? "UDP" : "TCP",
    }));
    policies.push({
      name: `proxy-${gateway.name}`,
      purpose: `LAN clients reach the ${gateway.name} Gateway's listeners; the proxies forward to route backends and fetch xDS`,
      podSelector: proxyPodLabels(gateway),
      // Anyone on the LAN may send syslog or open Grafana's login page: that is the Gateway's job.
      ingress: [{ peers: [cidr("0.0.0.0/0")], ports }],
      egress: [{ peers: [pods(controllerLabels)], ports: tcp(xdsPort) }, { peers: [allPods] }],
    });
  }
  return policies;
}

export function openebsPolicies(apiCidrs: readonly string[]): PolicyDefinition[] {
  return [
    {
      name: "provisioner",
      purpose: "the LocalPV provisioner watches PVCs and creates PVs and helper pods",
      podSelector: { name: "openebs-localpv-provisioner" },
      egress: [{ peers: apiCidrs.map((block) => cidr(block)), ports: tcp(...apiServerPorts) }],
    },
  ];
}
