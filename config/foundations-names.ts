/**
 * Names the foundations layer fixes and the config rules check against (as config/namespaces.ts
 * does for derived namespaces), so the stack and the rules cannot disagree.
 */

/** Envoy Gateway's controller namespace; the Gateway's proxy Deployment and Service run here too. */
export const envoyGatewayNamespace = "envoy-gateway-system";

/** Cilium lives in kube-system (Talos exempts it from pod security; the chart's default). */
export const ciliumNamespace = "kube-system";

/** OpenEBS LocalPV provisioner namespace. */
export const openebsNamespace = "openebs";

/** Listener names of the foundations Gateway; routes attach by these (sectionName). */
export const gatewayListeners = {
  syslogTcp: "syslog-tcp",
  syslogUdp: "syslog-udp",
  http: "http",
  https: "https",
} as const;
