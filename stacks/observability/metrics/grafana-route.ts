import { services } from "./names";

/**
 * The HTTPRoute that serves Grafana on a Gateway's HTTP(S) listeners by hostname (the foundations
 * `internal` Gateway). Attaches by listener name, so it lands only where the Gateway says Grafana is.
 */

export interface GrafanaGatewayRef {
  readonly name: string;
  readonly namespace: string;
  readonly hostname: string;
  /** Listener names to attach to (http, and https when the Gateway has a certificate). */
  readonly sectionNames: readonly string[];
  /** The Gateway terminates TLS for the hostname (root_url https://); else plain HTTP. */
  readonly https: boolean;
}

export function grafanaRoute(gateway: GrafanaGatewayRef, namespace: string) {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "grafana", namespace },
    spec: {
      parentRefs: gateway.sectionNames.map((sectionName) => ({
        group: "gateway.networking.k8s.io",
        kind: "Gateway",
        name: gateway.name,
        namespace: gateway.namespace,
        sectionName,
      })),
      hostnames: [gateway.hostname],
      rules: [{ backendRefs: [{ name: services.grafana.name, port: services.grafana.port }] }],
    },
  };
}
