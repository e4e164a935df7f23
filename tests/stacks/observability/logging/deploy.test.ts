import type { PlatformConfig } from "../../../../config/schema";
import { workloadRequest } from "../../../../lib/capacity";
import { memoryToMiB } from "../../../../lib/quantity";
import { deployLogging } from "../../../../stacks/observability/logging";
import { charts } from "../../../../versions";
import { ancestorsOf, unwrapSecrets, valueOf, withMocks, type CapturedResource } from "../../../helpers";
import { crdErrors } from "../../../helpers/crd-schema";
import { stackConfig } from "../../../helpers/stack-config";
import { testParent, testParentUrns } from "../../../helpers/parent";

/** Inputs as the API server would receive them: plain JSON, secrets unwrapped. */
const inputs = (r: CapturedResource) => unwrapSecrets(r.inputs) as Record<string, any>;

/** Deploys the logging half for a stack under its own parent; returns what it registered. */
async function deploy(stack: "home" | "lab", monitoringNamespace = "monitoring") {
  const config: PlatformConfig = stackConfig(stack);
  let result: ReturnType<typeof deployLogging> | undefined;
  const resources = await withMocks(() => {
    result = deployLogging(
      `${stack}-logging`,
      { config: config.observability, timezone: config.timezone, nodeCidr: config.cluster.network.cidr, monitoringNamespace },
      testParent(`${stack}-parent`),
    );
  });
  if (!result) throw new Error("deploy: deployLogging returned nothing");
  const outputs = {
    namespace: await valueOf(result.namespace),
    syslogEndpoint: await valueOf(result.syslogEndpoint),
  };
  const mine = resources.filter((r) => r.name.startsWith(`${stack}-logging`));
  const ofType = (type: string) => mine.filter((r) => r.type === type);
  return { config, result, outputs, resources, mine, ofType, ...testParentUrns(resources, `${stack}-parent`) };
}

const types = {
  namespace: "kubernetes:core/v1:Namespace",
  release: "kubernetes:helm.sh/v3:Release",
  service: "kubernetes:core/v1:Service",
  policy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

describe("deployLogging (home: Gateway routes)", () => {
  let run: Awaited<ReturnType<typeof deploy>>;
  beforeAll(async () => {
    run = await deploy("home", "metrics-system");
  });

  test("VictoriaLogs' namespace enforces restricted; the collector's is privileged with its reason", () => {
    const namespaces = run.ofType(types.namespace).map((r) => inputs(r).metadata);
    const logs = namespaces.find((m) => m.name === run.config.observability.logsNamespace);
    const collector = namespaces.find((m) => m.name === `${run.config.observability.logsNamespace}-collector`);
    expect(logs?.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(collector?.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    expect(collector?.annotations["home-platform.dev/privileged-reason"]).toMatch(/hostPath/);
    expect(logs?.annotations ?? {}).not.toHaveProperty("home-platform.dev/privileged-reason");
  });

  test("two pinned releases, each in its own namespace, with the values built from config", () => {
    const releases = run.ofType(types.release).map(inputs);
    const vl = releases.find((r) => r.chart === charts.victoriaLogsSingle.chart);
    const collector = releases.find((r) => r.chart === charts.victoriaLogsCollector.chart);
    expect(vl).toMatchObject({ version: charts.victoriaLogsSingle.version, namespace: run.config.observability.logsNamespace });
    expect(collector).toMatchObject({ version: charts.victoriaLogsCollector.version, namespace: `${run.config.observability.logsNamespace}-collector` });
    // The home stack's settings reach the release (values.test.ts checks the rest of the values).
    expect(vl?.values.server).toMatchObject({
      retentionPeriod: "14d",
      retentionMaxDiskUsagePercent: 80,
      persistentVolume: { enabled: true, size: "50Gi" },
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
      extraArgs: { "syslog.timezone": "America/New_York" },
    });
    // The chart's server Service in the logs namespace, fully qualified like the metrics datasources.
    const service = `vls-victoria-logs-single-server.${run.config.observability.logsNamespace}.svc.cluster.local`;
    expect(collector?.values.remoteWrite).toEqual([{ url: `http://${service}:9428` }]);
  });

  test("TCPRoute and UDPRoute in the logs namespace, valid against the Gateway API 1.6 CRDs", () => {
    const routes = run.mine.filter((r) => r.type.startsWith("kubernetes:gateway.networking.k8s.io/"));
    expect(routes.map((r) => r.type).sort()).toEqual([
      "kubernetes:gateway.networking.k8s.io/v1:TCPRoute",
      "kubernetes:gateway.networking.k8s.io/v1:UDPRoute",
    ]);
    for (const route of routes.map(inputs)) {
      expect(route.metadata.namespace).toBe(run.config.observability.logsNamespace);
      expect(crdErrors(route, `gateway.networking.k8s.io_${route.kind.toLowerCase()}s-v1.6.1.yaml`)).toEqual([]);
    }
  });

  test("the syslog Service is ClusterIP behind a Gateway", () => {
    const [service] = run.ofType(types.service).map(inputs);
    expect(service.spec.type).toBe("ClusterIP");
    expect(service.metadata.namespace).toBe(run.config.observability.logsNamespace);
  });

  test("network policies land in both namespaces and select monitoring pods by the namespace passed in", () => {
    const all = run.ofType(types.policy).map(inputs);
    const byNamespace = (ns: string) => all.filter((p) => p.metadata.namespace === ns).map((p) => p.metadata.name).sort();
    // default-deny and allow-dns come with PlatformNamespace; the rest are this half's flows.
    expect(byNamespace("logging")).toEqual(["allow-collector-ingest", "allow-dns", "allow-grafana-query", "allow-prometheus-scrape", "allow-syslog", "default-deny"]);
    expect(byNamespace("logging-collector")).toEqual(["allow-apiserver-egress", "allow-dns", "allow-prometheus-scrape", "allow-victoria-logs-egress", "default-deny"]);
    const grafana = all.find((p) => p.metadata.name === "allow-grafana-query");
    expect(JSON.stringify(grafana?.spec)).toContain('"kubernetes.io/metadata.name":"metrics-system"');
    expect(JSON.stringify(grafana?.spec)).not.toContain('"monitoring"');
    const flows = all.filter((p) => !["allow-dns", "default-deny"].includes(p.metadata.name));
    for (const policy of flows) expect(policy.metadata.annotations["home-platform.dev/purpose"]).toBeTruthy();
  });

  test("each release waits for its own namespace's flow NetworkPolicies", () => {
    const logs = run.config.observability.logsNamespace;
    // default-deny and allow-dns belong to PlatformNamespace; the release reaches them through the namespace.
    const flowsIn = (namespace: string) =>
      run.ofType(types.policy).filter((p) => inputs(p).metadata.namespace === namespace && !["default-deny", "allow-dns"].includes(inputs(p).metadata.name));
    const releases = run.ofType(types.release);
    for (const [chart, namespace] of [
      [charts.victoriaLogsSingle.chart, logs],
      [charts.victoriaLogsCollector.chart, `${logs}-collector`],
    ]) {
      const release = releases.find((r) => inputs(r).chart === chart)!;
      const flows = flowsIn(namespace);
      expect(flows.length).toBeGreaterThan(0);
      for (const flow of flows) expect([chart, flow.name, release.dependsOn.includes(flow.urn)]).toEqual([chart, flow.name, true]);
    }
  });

  test("the VictoriaLogs namespace holds its PVC, so it is protected and retained; the collector's is not", () => {
    const logs = run.config.observability.logsNamespace;
    const byName = (ns: string) => run.ofType(types.namespace).find((r) => inputs(r).metadata.name === ns)!;
    expect({ protect: byName(logs).protect, retain: byName(logs).retainOnDelete }).toEqual({ protect: true, retain: true });
    expect(byName(`${logs}-collector`).protect).toBe(false);
  });

  test("every resource is a child of the caller's component and uses its kubernetes provider", () => {
    expect(run.mine.length).toBeGreaterThan(10);
    for (const resource of run.mine) {
      expect([resource.name, ancestorsOf(run.resources, resource)]).toEqual([resource.name, expect.arrayContaining([run.parent])]);
      if (resource.type.startsWith("kubernetes:")) expect([resource.name, resource.provider]).toEqual([resource.name, run.provider]);
    }
  });

  test("outputs: the logs namespace, the Gateway endpoint, requests from config", () => {
    const vl = run.config.observability.victoriaLogs;
    expect(run.outputs.namespace).toBe(run.config.observability.logsNamespace);
    expect(run.outputs.syslogEndpoint).toMatchObject({ host: vl.syslog.address, via: "gateway" });
    expect(run.result.workloadRequests).toEqual([
      // VictoriaLogs' volume counts in the capacity table's disk column.
      { ...workloadRequest("observability", "victoria-logs", 1, vl.resources), volumeMiB: memoryToMiB(vl.volumeSize) },
      workloadRequest("observability", "victoria-logs-collector", "perNode", vl.collectorResources),
    ]);
  });
});

describe("deployLogging (lab: LoadBalancer)", () => {
  let run: Awaited<ReturnType<typeof deploy>>;
  beforeAll(async () => {
    run = await deploy("lab");
  });

  test("a LoadBalancer Service on the configured address and no routes", () => {
    const [service] = run.ofType(types.service).map(inputs);
    const address = run.config.observability.victoriaLogs.syslog.address;
    expect(service.spec).toMatchObject({ type: "LoadBalancer", externalTrafficPolicy: "Local", loadBalancerIP: address });
    expect(run.mine.filter((r) => r.type.includes("gateway.networking.k8s.io"))).toEqual([]);
    expect(run.outputs.syslogEndpoint).toEqual({
      host: address,
      via: "loadBalancer",
      ports: [
        { port: 514, protocol: "TCP" },
        { port: 514, protocol: "UDP" },
      ],
    });
  });

  test("the lab's smaller sizing reaches the release", () => {
    const vl = run.ofType(types.release).map(inputs).find((r) => r.chart === charts.victoriaLogsSingle.chart);
    const config = run.config.observability.victoriaLogs;
    expect(vl?.values.server).toMatchObject({ retentionPeriod: config.retention, resources: config.resources });
    expect(vl?.values.server.persistentVolume.size).toBe(config.volumeSize);
  });
});
