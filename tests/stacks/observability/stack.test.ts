import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import type { WorkloadRequest } from "../../../lib/capacity";
import { ObservabilityStack } from "../../../stacks/observability";
import { charts } from "../../../versions";
import { findResource, isSecretAt, resourcesOfType, unwrapSecrets, valueOf, visibleStrings, withMocks, type CapturedResource } from "../../helpers";
import { defaultConfig, nodeCidr, timezone } from "./metrics/fixtures";
import { privilegedReasons } from "../../../lib/pod-security";

/** Talos' default pod and service ranges, as the stack files leave them. */
const podAndServiceCidrs = ["10.244.0.0/16", "10.96.0.0/12"];

// The logs half and the alerts have their own tests; here they are stand-ins whose outputs must
// come out of the stack unchanged, and whose inputs the stack must provide.
const loggingStub = {
  namespace: "logging",
  syslogEndpoint: { host: "192.168.35.15", ports: [{ port: 514, protocol: "UDP" as const }], via: "loadBalancer" as const },
  workloadRequests: [{ stack: "observability", workload: "victoria-logs", replicas: 1, cpuMillis: 100, memoryMiB: 256 }] as WorkloadRequest[],
};
jest.mock("../../../stacks/observability/logging", () => {
  const p = jest.requireActual("@pulumi/pulumi") as typeof pulumi;
  return {
    deployLogging: jest.fn(() => ({
      namespace: p.output(loggingStub.namespace),
      syslogEndpoint: p.output(loggingStub.syslogEndpoint),
      workloadRequests: loggingStub.workloadRequests,
    })),
  };
});
jest.mock("../../../stacks/observability/alerts", () => ({ deployObservabilityAlerts: jest.fn() }));

const secrets = {
  accessKey: "AKIA-MINIO-ACCESS",
  secretKey: "minio-secret-key-value",
  discord: "https://discord.com/api/webhooks/123/discord-token-value",
  grafanaUser: "grafana-admin-user",
  grafanaPassword: "grafana-admin-password",
};
const bucket = "home-thanos";
const endpoint = "https://s3.68cc.io";

const types = {
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  policy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  release: "kubernetes:helm.sh/v3:Release",
  stack: "home-platform:observability:ObservabilityStack",
};

let recorded: CapturedResource[];
let stack: ObservabilityStack;

beforeAll(async () => {
  recorded = await withMocks(() => {
    const provider = new k8s.Provider("cluster-k8s", {});
    stack = new ObservabilityStack(
      "observability",
      {
        config: defaultConfig,
        timezone,
        nodeCidr,
        podAndServiceCidrs,
        thanosBucket: {
          endpoint,
          region: "us-east-1",
          bucket: pulumi.output(bucket),
          accessKey: pulumi.secret(secrets.accessKey),
          secretKey: pulumi.secret(secrets.secretKey),
        },
        discordWebhookUrl: pulumi.secret(secrets.discord),
        grafanaAdmin: { user: pulumi.secret(secrets.grafanaUser), password: pulumi.secret(secrets.grafanaPassword) },
      },
      { provider },
    );
  });
});

const labelsOf = (r: { inputs: Record<string, unknown> }) => (r.inputs.metadata as { labels: Record<string, string> }).labels;

describe("ObservabilityStack", () => {
  test("monitoring namespace enforces restricted; node-exporter alone gets a privileged namespace, with the reason recorded", () => {
    const namespaces = resourcesOfType(recorded, types.namespace).map((n) => unwrapSecrets(n.inputs) as { metadata: { name: string; annotations?: object } });
    const byName = new Map(namespaces.map((n) => [n.metadata.name, n]));
    expect(labelsOf({ inputs: byName.get("monitoring") as never })["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const nodeExporter = byName.get("monitoring-node-exporter");
    expect(labelsOf({ inputs: nodeExporter as never })["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    // The reason recorded is the one the policy pack's allowlist gives for this namespace.
    expect(Object.values(nodeExporter?.metadata.annotations ?? {})).toEqual([privilegedReasons.nodeExporter]);
    // Prometheus, Alertmanager and Thanos keep PVCs in the monitoring namespace: it is protected and retained.
    const resource = (ns: string) => resourcesOfType(recorded, types.namespace).find((n) => (unwrapSecrets(n.inputs.metadata) as { name: string }).name === ns)!;
    expect([resource("monitoring").protect, resource("monitoring").retainOnDelete]).toEqual([true, true]);
    expect(resource("monitoring-node-exporter").protect).toBe(false);
    // ...and it is the namespace kube-prometheus-stack puts node-exporter in.
    const kps = findResource(recorded, types.release, "observability-metrics-kube-prometheus-stack");
    expect(unwrapSecrets(kps.inputs.values)).toMatchObject({ "prometheus-node-exporter": { namespaceOverride: "monitoring-node-exporter" } });
  });

  test("Secrets carry their values as secret stringData", () => {
    const created = resourcesOfType(recorded, types.secret);
    expect(created.map((s) => (unwrapSecrets(s.inputs.metadata) as { name: string }).name).sort()).toEqual(
      ["alertmanager-discord", "grafana-admin", "thanos-objstore"].sort(),
    );
    for (const secret of created) {
      expect((unwrapSecrets(secret.inputs.metadata) as { namespace: string }).namespace).toBe("monitoring");
      const stringData = unwrapSecrets(secret.inputs.stringData) as Record<string, string>;
      // Every value travels as a secret.
      expect(Object.keys(stringData).length).toBeGreaterThan(0);
      for (const key of Object.keys(stringData)) expect([secret.name, key, isSecretAt(secret.inputs, ["stringData", key])]).toEqual([secret.name, key, true]);
      expect(Object.values(stringData).every((value) => typeof value === "string" && value.length > 0)).toBe(true);
      expect(secret.inputs.data).toBeUndefined();
    }
  });

  test("the objstore Secret holds the Thanos bucket, the MinIO endpoint and the keys", () => {
    const objstore = findResource(recorded, types.secret, "observability-metrics-thanos-objstore");
    const file = (unwrapSecrets(objstore.inputs.stringData) as Record<string, string>)["objstore.yml"];
    expect(YAML.parse(file)).toMatchObject({
      type: "S3",
      config: { bucket, endpoint: new URL(endpoint).host, access_key: secrets.accessKey, secret_key: secrets.secretKey },
    });
  });

  test("no secret value appears in plain text in any resource's inputs", () => {
    for (const value of Object.values(secrets)) {
      const leaks = recorded.filter((r) => visibleStrings(r.inputs).some((text) => text.includes(value))).map((r) => `${r.type} ${r.name}`);
      expect([value, leaks]).toEqual([value, []]);
    }
  });

  test("one NetworkPolicy per metrics flow, in the monitoring namespace, each with its purpose", () => {
    const created = resourcesOfType(recorded, types.policy).filter((p) => p.name.startsWith("observability-metrics-netpol-"));
    expect(created.map((p) => (unwrapSecrets(p.inputs.metadata) as { name: string }).name).sort()).toEqual([
      "admission-create",
      "admission-patch",
      "alertmanager",
      "grafana",
      "kube-state-metrics",
      "prometheus-egress",
      "prometheus-ingress",
      "prometheus-operator",
      "scrape-ingress",
      "thanos-compactor",
      "thanos-query",
      "thanos-store-gateway",
    ]);
    for (const policy of created) {
      const metadata = unwrapSecrets(policy.inputs.metadata) as { namespace: string; annotations: Record<string, string> };
      expect(metadata.namespace).toBe("monitoring");
      expect(metadata.annotations["home-platform.dev/purpose"]).toBeTruthy();
    }
  });

  test("releases are the pinned charts and wait for the Secrets and NetworkPolicies; Thanos waits for kube-prometheus-stack", () => {
    const kps = findResource(recorded, types.release, "observability-metrics-kube-prometheus-stack");
    const thanos = findResource(recorded, types.release, "observability-metrics-thanos");
    expect([unwrapSecrets(kps.inputs.version), unwrapSecrets(kps.inputs.namespace)]).toEqual([charts.kubePrometheusStack.version, "monitoring"]);
    expect([unwrapSecrets(thanos.inputs.version), unwrapSecrets(thanos.inputs.chart)]).toEqual([charts.thanos.version, `${charts.thanos.repository}/${charts.thanos.chart}`]);
    const prerequisites = [...resourcesOfType(recorded, types.secret), ...resourcesOfType(recorded, types.policy).filter((p) => p.name.includes("-metrics-netpol-"))];
    for (const release of [kps, thanos]) {
      for (const prerequisite of prerequisites) {
        expect([release.name, prerequisite.name, release.dependsOn.some((urn) => urn.endsWith(`::${prerequisite.name}`))]).toEqual([
          release.name,
          prerequisite.name,
          true,
        ]);
      }
    }
    expect(thanos.dependsOn.some((urn) => urn.endsWith(`::${kps.name}`))).toBe(true);
  });

  // Issue 9 item 7: Helm installs a chart's crds/ once and never upgrades them, so the CRDs
  // kube-prometheus-stack shipped there would stay at the first install's version.
  test("the monitoring CRDs are their own pinned release, kept by Helm, adopted if present, ahead of their users", () => {
    const crds = findResource(recorded, types.release, "observability-metrics-crds");
    const kps = findResource(recorded, types.release, "observability-metrics-kube-prometheus-stack");
    const thanos = findResource(recorded, types.release, "observability-metrics-thanos");
    expect(unwrapSecrets({ chart: crds.inputs.chart, version: crds.inputs.version, repo: crds.inputs.repositoryOpts, namespace: crds.inputs.namespace })).toEqual({
      chart: charts.prometheusOperatorCrds.chart,
      version: charts.prometheusOperatorCrds.version,
      repo: { repo: charts.prometheusOperatorCrds.repository },
      namespace: "monitoring",
    });
    // Never deleted by Helm (uninstall, or a chart version dropping one): that would delete every object of the kind.
    expect(unwrapSecrets(crds.inputs.values)).toEqual({ crds: { annotations: { "helm.sh/resource-policy": "keep" } } });
    // A cluster where kube-prometheus-stack installed them: adopt, do not fail on "already exists".
    expect(crds.inputs.takeOwnership).toBe(true);
    // kube-prometheus-stack installs none of its own any more.
    expect(unwrapSecrets(kps.inputs.values)).toMatchObject({ crds: { enabled: false } });
    expect(kps.inputs.skipCrds).toBe(true);
    for (const user of [kps, thanos]) expect([user.name, user.dependsOn.includes(crds.urn)]).toEqual([user.name, true]);
  });

  // Issue 9 item 2: the Discord route reaches the operator as an AlertmanagerConfig whose webhook is a Secret reference.
  test("the global AlertmanagerConfig is created after the CRDs and the webhook Secret, before kube-prometheus-stack", () => {
    const config = findResource(recorded, "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig", "observability-metrics-alertmanager-config");
    const inputs = unwrapSecrets(config.inputs) as { metadata: { name: string; namespace: string }; spec: { receivers: { name: string; discordConfigs?: unknown[] }[] } };
    expect(inputs.metadata).toEqual({ name: "platform-alerting", namespace: "monitoring" });
    expect(inputs.spec.receivers.find((r) => r.name === "discord")?.discordConfigs).toEqual([{ apiURL: { name: "alertmanager-discord", key: "webhook-url" }, sendResolved: true }]);
    const crds = findResource(recorded, types.release, "observability-metrics-crds");
    const secret = findResource(recorded, types.secret, "observability-metrics-alertmanager-discord");
    expect([config.dependsOn.includes(crds.urn), config.dependsOn.includes(secret.urn)]).toEqual([true, true]);
    const kps = findResource(recorded, types.release, "observability-metrics-kube-prometheus-stack");
    expect(kps.dependsOn).toContain(config.urn);
    expect(unwrapSecrets(kps.inputs.values)).toMatchObject({ alertmanager: { alertmanagerSpec: { alertmanagerConfiguration: { name: "platform-alerting" } } } });
  });

  test("every Kubernetes resource uses the provider passed to the stack", () => {
    const kubernetes = recorded.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(kubernetes.length).toBeGreaterThan(10);
    const provider = findResource(recorded, "pulumi:providers:kubernetes", "cluster-k8s").urn;
    for (const r of kubernetes) expect([r.name, r.provider]).toEqual([r.name, provider]);
  });

  test("the logs half gets its part of the config and the monitoring namespace; its outputs come out of the stack", async () => {
    const { deployLogging } = jest.requireMock("../../../stacks/observability/logging") as { deployLogging: jest.Mock };
    expect(deployLogging).toHaveBeenCalledTimes(1);
    const [, args, parent] = deployLogging.mock.calls[0];
    expect(parent).toBe(stack);
    expect([args.timezone, args.nodeCidr]).toEqual([timezone, nodeCidr]);
    // Only the keys the logging half reads, not the whole section.
    expect(args.config).toStrictEqual({
      logsNamespace: defaultConfig.logsNamespace,
      storageClass: defaultConfig.storageClass,
      victoriaLogs: defaultConfig.victoriaLogs,
    });
    expect(args.monitoringNamespace).toBe("monitoring");
    expect(await valueOf(stack.logsNamespace)).toBe(loggingStub.namespace);
    expect(await valueOf(stack.syslogEndpoint)).toEqual(loggingStub.syslogEndpoint);
  });

  test("the alerts are created in the monitoring namespace, after the monitoring CRD release", async () => {
    const { deployObservabilityAlerts } = jest.requireMock("../../../stacks/observability/alerts") as { deployObservabilityAlerts: jest.Mock };
    expect(deployObservabilityAlerts).toHaveBeenCalledTimes(1);
    const [, args, parent] = deployObservabilityAlerts.mock.calls[0];
    expect(parent).toBe(stack);
    expect(await valueOf(args.namespace)).toBe("monitoring");
    const dependsOn = await (args.namespace as unknown as { resources(): Promise<Set<pulumi.Resource>> }).resources();
    const urns = await Promise.all([...dependsOn].map((r) => valueOf(r.urn)));
    expect(urns.some((urn) => urn.endsWith(`${types.release}::observability-metrics-crds`))).toBe(true);
  });

  test("outputs: namespace, datasources (VictoriaLogs in the configured logs namespace), in-cluster Grafana URL", async () => {
    expect(await valueOf(stack.namespace)).toBe("monitoring");
    expect(await valueOf(stack.grafanaDatasources)).toEqual({
      thanosQuery: "http://thanos-query.monitoring.svc.cluster.local:10902",
      prometheus: "http://kps-prometheus.monitoring.svc.cluster.local:9090",
      alertmanager: "http://kps-alertmanager.monitoring.svc.cluster.local:9093",
      // The logs half is stubbed: this URL can only come from the stack, built from config.logsNamespace.
      victoriaLogs: `http://vls-victoria-logs-single-server.${defaultConfig.logsNamespace}.svc.cluster.local:9428`,
    });
    expect(await valueOf(stack.grafanaUrl)).toBe("http://kps-grafana.monitoring.svc.cluster.local");
  });

  test("workloadRequests cover both halves and are registered as outputs", () => {
    const workloads = stack.workloadRequests.map((w) => w.workload);
    expect(workloads).toEqual(expect.arrayContaining(["prometheus", "thanos-compactor", "node-exporter", "victoria-logs"]));
    const outputs = findResource(recorded, types.stack, "observability").outputs ?? {};
    expect(unwrapSecrets(outputs.workloadRequests)).toEqual(stack.workloadRequests);
    expect(Object.keys(outputs).sort()).toEqual(
      ["grafanaDatasources", "grafanaUrl", "logsNamespace", "namespace", "syslogEndpoint", "workloadRequests"].sort(),
    );
  });

  test("every resource belongs to the stack component (no orphans at the root)", () => {
    const root = recorded.find((r) => r.type === "pulumi:pulumi:Stack")!;
    const stackResource = recorded.find((r) => r.type === types.stack)!;
    expect(stackResource.parent).toBe(root.urn);
    const roots = recorded.filter((r) => r.parent === root.urn && r !== stackResource && !r.type.startsWith("pulumi:providers:"));
    expect(roots.map((r) => r.name)).toEqual([]);
  });
});
