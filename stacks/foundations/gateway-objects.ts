import { envoyGatewayNamespace, gatewayListeners } from "../../config/foundations-names";
import type { GatewayConfig } from "../../config/schema";
import { platformNamespaceLabel } from "../../components/platform-namespace";

/**
 * Envoy Gateway's objects as plain data (CRDs: envoy-gateway v1.9.0, Gateway API v1.6.1), so the
 * offline plan, the unit tests and the live suite see exactly what is applied.
 */

export const gatewayClassName = "envoy";
export const envoyProxyName = "internal-proxy";
export const syslogPort = 514;

/** Annotations through which Cilium LB-IPAM (and MetalLB, when foundations.loadBalancer is off) fix the address. */
export function fixedAddressAnnotations(address: string): Record<string, string> {
  return { "lbipam.cilium.io/ips": address, "metallb.io/loadBalancerIPs": address };
}

export interface GatewayListener {
  readonly name: string;
  readonly protocol: "TCP" | "UDP" | "HTTP" | "HTTPS";
  readonly port: number;
  readonly hostname?: string;
  readonly tls?: { readonly mode: "Terminate"; readonly certificateRefs: { readonly kind: "Secret"; readonly name: string }[] };
  readonly allowedRoutes: { readonly namespaces: { readonly from: "Selector"; readonly selector: { readonly matchLabels: Record<string, string> } } };
}

/**
 * Syslog on TCP and UDP 514 (Envoy Gateway checks port conflicts per protocol, so both fit one
 * Gateway), HTTP for `hostname`, and HTTPS when a certificate Secret is configured. Only routes
 * from platform namespaces may attach.
 */
export function gatewayListenerSpecs(gateway: GatewayConfig): GatewayListener[] {
  const allowedRoutes = { namespaces: { from: "Selector" as const, selector: { matchLabels: { [platformNamespaceLabel]: "true" } } } };
  const listeners: GatewayListener[] = [
    { name: gatewayListeners.syslogTcp, protocol: "TCP", port: syslogPort, allowedRoutes },
    { name: gatewayListeners.syslogUdp, protocol: "UDP", port: syslogPort, allowedRoutes },
  ];
  if (gateway.hostname) {
    listeners.push({ name: gatewayListeners.http, protocol: "HTTP", port: 80, hostname: gateway.hostname, allowedRoutes });
    if (gateway.tlsSecretName) {
      listeners.push({
        name: gatewayListeners.https,
        protocol: "HTTPS",
        port: 443,
        hostname: gateway.hostname,
        tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: gateway.tlsSecretName }] },
        allowedRoutes,
      });
    }
  }
  return listeners;
}

export function envoyProxy(gateway: GatewayConfig) {
  return {
    apiVersion: "gateway.envoyproxy.io/v1alpha1",
    kind: "EnvoyProxy",
    metadata: { name: envoyProxyName, namespace: gateway.namespace },
    spec: {
      provider: {
        type: "Kubernetes",
        kubernetes: {
          envoyService: {
            type: "LoadBalancer",
            // Cilium L2 announcements and ETP Local do not mix (one node answers ARP, maybe not
            // the one running the proxy). The cost: backends see a node address, not the device's.
            externalTrafficPolicy: "Cluster",
            annotations: fixedAddressAnnotations(gateway.address),
          },
        },
      },
    },
  };
}

export function gatewayClass() {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "GatewayClass",
    metadata: { name: gatewayClassName },
    spec: { controllerName: "gateway.envoyproxy.io/gatewayclass-controller" },
  };
}

export function gatewayObject(gateway: GatewayConfig) {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: gateway.name, namespace: gateway.namespace },
    spec: {
      gatewayClassName,
      // The address comes from the Service annotation, not spec.addresses (Envoy Gateway turns those into externalIPs).
      infrastructure: { parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: envoyProxyName } },
      listeners: gatewayListenerSpecs(gateway),
    },
  };
}

/** Labels Envoy Gateway puts on the proxy pods of a Gateway (for NetworkPolicies). */
export function proxyPodLabels(gateway: GatewayConfig): Record<string, string> {
  return {
    "gateway.envoyproxy.io/owning-gateway-name": gateway.name,
    "gateway.envoyproxy.io/owning-gateway-namespace": gateway.namespace,
  };
}

export { envoyGatewayNamespace };
