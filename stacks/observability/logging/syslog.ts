import type { VictoriaLogsConfig } from "./values";
import { ports, syslogServiceName, victoriaLogsPodLabels } from "./names";

/**
 * How network devices reach VictoriaLogs' syslog listeners: TCPRoute + UDPRoute on an existing
 * Gateway, or a LoadBalancer Service on a fixed address. Both send to one Service of our own that
 * carries only port 514, so the HTTP API is never exposed by the syslog path.
 */

export type SyslogExposure = VictoriaLogsConfig["syslog"];
export type GatewayExposure = Extract<SyslogExposure, { type: "gateway" }>;

/** Where devices send syslog; published as the `syslogEndpoint` stack output. */
export interface SyslogEndpoint {
  host: string;
  ports: { port: number; protocol: "TCP" | "UDP" }[];
  via: "gateway" | "loadBalancer";
}

const protocols = ["TCP", "UDP"] as const;

export function syslogEndpoint(exposure: SyslogExposure): SyslogEndpoint {
  // Gateway listeners are not ours; the config documents them as port 514 (TCP and UDP).
  return { host: exposure.address, ports: protocols.map((protocol) => ({ port: ports.syslog, protocol })), via: exposure.type };
}

/** Annotations through which common bare-metal load balancers take a fixed address. */
export function loadBalancerAddressAnnotations(address: string): Record<string, string> {
  return {
    // Cilium LB-IPAM (1.15+) and MetalLB (0.13+) each read only their own key, so both can be set.
    "lbipam.cilium.io/ips": address,
    "metallb.io/loadBalancerIPs": address,
  };
}

/** The syslog Service: `metadata` without namespace (the caller adds it) and `spec`. */
export function syslogServiceSpec(exposure: SyslogExposure) {
  const servicePorts = protocols.map((protocol) => ({
    name: `syslog-${protocol.toLowerCase()}`,
    protocol,
    port: ports.syslog,
    // The container port by number: the chart's port names for syslog have changed between releases.
    targetPort: ports.syslog,
  }));
  if (exposure.type === "gateway") {
    return {
      metadata: { name: syslogServiceName },
      spec: { type: "ClusterIP", selector: { ...victoriaLogsPodLabels }, ports: servicePorts },
    };
  }
  return {
    metadata: { name: syslogServiceName, annotations: loadBalancerAddressAnnotations(exposure.address) },
    spec: {
      type: "LoadBalancer",
      // Deprecated in Kubernetes but still honoured by kube-vip and older MetalLB; same address as
      // the annotations, so no implementation sees a conflict.
      loadBalancerIP: exposure.address,
      // Local keeps the device's source address (no SNAT to a node IP): VictoriaLogs records it as
      // remote_ip and the syslog NetworkPolicy can allow by source network. The cost: only the node
      // running VictoriaLogs accepts the traffic, so the load balancer must announce the address
      // from that node (MetalLB L2 does so for Local services; check other implementations).
      externalTrafficPolicy: "Local",
      selector: { ...victoriaLogsPodLabels },
      ports: servicePorts,
    },
  };
}

/** A Gateway API route object (TCPRoute or UDPRoute), ready for a CustomResource. */
export interface SyslogRoute {
  apiVersion: string;
  kind: "TCPRoute" | "UDPRoute";
  metadata: { name: string };
  spec: {
    parentRefs: { group: string; kind: string; name: string; namespace: string; sectionName: string }[];
    rules: { backendRefs: { name: string; port: number }[] }[];
  };
}

/**
 * TCPRoute and UDPRoute from the Gateway's listeners to the syslog Service. `v1` needs Gateway API
 * >= 1.6 (Envoy Gateway >= 1.9); `v1alpha2` is for the experimental CRDs of earlier releases.
 */
export function syslogRoutes(exposure: GatewayExposure): SyslogRoute[] {
  const route = (kind: SyslogRoute["kind"], sectionName: string): SyslogRoute => ({
    apiVersion: `gateway.networking.k8s.io/${exposure.routeApiVersion}`,
    kind,
    metadata: { name: `syslog-${kind === "TCPRoute" ? "tcp" : "udp"}` },
    spec: {
      parentRefs: [
        {
          group: "gateway.networking.k8s.io",
          kind: "Gateway",
          name: exposure.gatewayName,
          namespace: exposure.gatewayNamespace,
          sectionName,
        },
      ],
      rules: [{ backendRefs: [{ name: syslogServiceName, port: ports.syslog }] }],
    },
  });
  return [route("TCPRoute", exposure.tcpListener), route("UDPRoute", exposure.udpListener)];
}
