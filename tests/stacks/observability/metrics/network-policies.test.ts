import { networkPolicySpec, type PolicyDefinition } from "../../../../stacks/building-blocks/network-policy";
import { loggingNetworkPolicies } from "../../../../stacks/observability/logging/network-policies";
import { victoriaLogsPodLabels } from "../../../../stacks/observability/logging/names";
import { podLabels } from "../../../../stacks/observability/metrics/names";
import { metricsNetworkPolicies } from "../../../../stacks/observability/metrics/network-policies";
import { s3Port } from "../../../../stacks/observability/metrics/objstore";
import { allows, defaultDeny, host, pod, type Endpoint, type PlacedPolicy } from "./netpol-eval";
import { nodeCidr } from "./fixtures";

/** Talos' default pod and service ranges, as the stack files leave them. */
const podAndServiceCidrs = ["10.244.0.0/16", "10.96.0.0/12"];

const monitoring = "monitoring";
const logs = "logging";

function placed(definitions: readonly PolicyDefinition[], namespace = monitoring): PlacedPolicy[] {
  return [defaultDeny(namespace), ...definitions.map((d) => ({ namespace, spec: networkPolicySpec(d) }))];
}

function policiesFor(s3Endpoint: string, scrapeControlPlane = false): PlacedPolicy[] {
  const s3 = s3Port(s3Endpoint);
  return placed(metricsNetworkPolicies({ nodeCidr, logsNamespace: logs, podAndServiceCidrs: podAndServiceCidrs, s3Port: s3, scrapeControlPlane }));
}

const policies = policiesFor("https://s3.68cc.io");

const m = (labels: Record<string, string>, ip?: string) => pod(monitoring, labels, ip);
const prometheus = m(podLabels.prometheus);
const alertmanager = m(podLabels.alertmanager);
const grafana = m(podLabels.grafana);
const operator = m(podLabels.operator);
const admissionCreate = m(podLabels.admissionCreate);
const kubeStateMetrics = m(podLabels.kubeStateMetrics);
const query = m(podLabels.thanosQuery);
const store = m(podLabels.thanosStoreGateway);
const compactor = m(podLabels.thanosCompact);
const victoriaLogs = pod(logs, victoriaLogsPodLabels);
const appPod = pod("apps", { "app.kubernetes.io/name": "web" });
const controlPlane = host("192.168.35.11");
const laptop = host("192.168.35.77");
const minio = host("203.0.113.20");
const discord = host("162.159.128.233");
const podInCluster = host("10.244.3.7");
const serviceIp = host("10.96.0.10");

type Flow = [string, Endpoint, Endpoint, number];

const allowed: Flow[] = [
  ["Grafana → Thanos Query", grafana, query, 10902],
  ["Grafana → Prometheus", grafana, prometheus, 9090],
  ["Grafana → Alertmanager", grafana, alertmanager, 9093],
  ["Grafana → grafana.com (datasource plugin)", grafana, host("34.120.177.193"), 443],
  ["node network → Grafana", laptop, grafana, 3000],
  ["Prometheus → pods in other namespaces", prometheus, appPod, 8080],
  ["Prometheus → kubelet", prometheus, controlPlane, 10250],
  ["Prometheus → node-exporter", prometheus, controlPlane, 9100],
  ["Prometheus → kube-apiserver", prometheus, controlPlane, 6443],
  ["Prometheus → Alertmanager", prometheus, alertmanager, 9093],
  ["Prometheus scrapes Grafana", prometheus, grafana, 3000],
  ["Prometheus scrapes kube-state-metrics", prometheus, kubeStateMetrics, 8080],
  ["Prometheus scrapes the operator", prometheus, operator, 10250],
  ["Prometheus scrapes the compactor", prometheus, compactor, 10902],
  ["Prometheus (sidecar) → MinIO", prometheus, minio, 443],
  ["Thanos Query → sidecar", query, prometheus, 10901],
  ["Thanos Query → store gateway", query, store, 10901],
  ["store gateway → MinIO", store, minio, 443],
  ["compactor → MinIO", compactor, minio, 443],
  ["Alertmanager → Discord", alertmanager, discord, 443],
  ["operator → kube-apiserver", operator, controlPlane, 6443],
  ["Grafana sidecars → kube-apiserver", grafana, controlPlane, 6443],
  ["kube-state-metrics → kube-apiserver", kubeStateMetrics, controlPlane, 6443],
  ["webhook certificate Job → kube-apiserver", admissionCreate, controlPlane, 6443],
  ["kube-apiserver → operator admission webhook", controlPlane, operator, 10250],
];

const denied: Flow[] = [
  ["pod in another namespace → Grafana", appPod, grafana, 3000],
  ["internet → Grafana", host("198.51.100.9"), grafana, 3000],
  ["Grafana → Prometheus' sidecar gRPC", grafana, prometheus, 10901],
  ["pod in another namespace → Prometheus", appPod, prometheus, 9090],
  ["Prometheus → node SSH-like port", prometheus, controlPlane, 22],
  ["Thanos Query → MinIO", query, minio, 443],
  ["Thanos Query → kube-apiserver", query, controlPlane, 6443],
  ["compactor → a pod address as 'outside'", compactor, podInCluster, 443],
  ["compactor → a Service address as 'outside'", compactor, serviceIp, 443],
  ["store gateway → MinIO on another port", store, minio, 9000],
  ["Alertmanager → cluster Service address", alertmanager, serviceIp, 443],
  ["kube-state-metrics → internet", kubeStateMetrics, discord, 443],
  ["compactor → Prometheus", compactor, prometheus, 9090],
  ["internet → operator webhook", host("198.51.100.9"), operator, 10250],
];

describe("metrics NetworkPolicies", () => {
  test.each(allowed)("allow: %s", (_flow, from, to, port) => {
    expect(allows(policies, from, to, port)).toBe(true);
  });

  test.each(denied)("deny: %s", (_flow, from, to, port) => {
    expect(allows(policies, from, to, port)).toBe(false);
  });

  test("with only the default-deny, none of the allowed flows would pass (the allows above come from these policies)", () => {
    const denyOnly = [defaultDeny(monitoring)];
    for (const [flow, from, to, port] of allowed) expect([flow, allows(denyOnly, from, to, port)]).toEqual([flow, false]);
  });

  test("control-plane metrics ports on the nodes open only when scrapeControlPlane is on", () => {
    const withControlPlane = policiesFor("https://s3.68cc.io", true);
    for (const port of [2381, 10249, 10257, 10259]) {
      expect([port, allows(policies, prometheus, controlPlane, port), allows(withControlPlane, prometheus, controlPlane, port)]).toEqual([
        port,
        false,
        true,
      ]);
    }
  });

  test("grafana.ingressNamespace admits that namespace's proxies to Grafana's HTTP port, and nothing else", () => {
    const ingressNamespace = "ingress-nginx";
    const proxy = pod(ingressNamespace, { "app.kubernetes.io/name": "ingress-nginx" });
    const withIngress = placed(
      metricsNetworkPolicies({
        nodeCidr,
        logsNamespace: logs,
        podAndServiceCidrs: podAndServiceCidrs,
        s3Port: 443,
        scrapeControlPlane: false,
        grafanaIngressNamespace: ingressNamespace,
      }),
    );
    expect(allows(policies, proxy, grafana, 3000)).toBe(false);
    expect(allows(withIngress, proxy, grafana, 3000)).toBe(true);
    expect(allows(withIngress, proxy, prometheus, 9090)).toBe(false);
    expect(allows(withIngress, proxy, grafana, 9090)).toBe(false);
    expect(allows(withIngress, appPod, grafana, 3000)).toBe(false);
    expect(allows(withIngress, laptop, grafana, 3000)).toBe(true);
  });

  test("the S3 port follows the MinIO endpoint", () => {
    const plainHttp = policiesFor("http://minio.lan:9000");
    expect(allows(plainHttp, compactor, minio, 9000)).toBe(true);
    expect(allows(plainHttp, compactor, minio, 443)).toBe(false);
  });

  test("Grafana reaches VictoriaLogs end to end, with the logs half's policies on the other side", () => {
    const logging = loggingNetworkPolicies({
      logsNamespace: logs,
      collectorNamespace: `${logs}-collector`,
      monitoringNamespace: monitoring,
      nodeCidr,
      syslog: { type: "loadBalancer", address: "192.168.35.15", sourceCidrs: [] },
    })
      .filter((p) => p.in === "logs")
      .map((p) => p.definition);
    const all = [...policies, ...placed(logging, logs)];
    expect(allows(all, grafana, victoriaLogs, 9428)).toBe(true);
    expect(allows(all, prometheus, victoriaLogs, 9428)).toBe(true);
    expect(allows(all, alertmanager, victoriaLogs, 9428)).toBe(false);
  });

  test("policy names are unique and each says why it exists", () => {
    const definitions = metricsNetworkPolicies({
      nodeCidr,
      logsNamespace: logs,
      podAndServiceCidrs: podAndServiceCidrs,
      s3Port: 443,
      scrapeControlPlane: true,
    });
    expect(new Set(definitions.map((d) => d.name)).size).toBe(definitions.length);
    for (const d of definitions) expect(d.purpose.length).toBeGreaterThan(20);
  });
});
