import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { evaluatePolicies } from "../../../policy/evaluate";
import { dashboardSidecarLabel } from "../../../stacks/observability";
import { SecurityStack } from "../../../stacks/security";
import { defaultPrivilegedNamespaces } from "../../../policy/rules/pod-security";
import { prometheusRuleName } from "../../../stacks/security/alerts";
import { charts } from "../../../versions";
import { crdErrors } from "../../helpers/crd-schema";
import { findResource, resourcesOfType, unwrapSecrets, withMocks, type CapturedResource } from "../../helpers";
import { homeClusterCidrs, securityConfig } from "./fixtures";

const config = securityConfig({ namespace: "runtime-security", trustedCidrs: ["10.88.140.0/24"] });
let resources: CapturedResource[];
let stack: SecurityStack;
let upstreamUrn: string;

/** What the API server would receive: secrets unwrapped, undefined keys gone. */
const plain = (resource: CapturedResource) => JSON.parse(JSON.stringify(unwrapSecrets(resource.inputs))) as Record<string, any>;

beforeAll(async () => {
  resources = await withMocks(() => {
    // Stands in for the observability stack, which installs the Prometheus operator CRDs.
    const upstream = new k8s.core.v1.ConfigMap("upstream", { metadata: { name: "upstream" } });
    stack = new SecurityStack(
      "security",
      {
        config,
        nodePodAndServiceCidrs: homeClusterCidrs,
        monitoringNamespace: pulumi.output("monitoring"),
        logsNamespace: pulumi.output("logging"),
        ciNamespaces: ["forgejo-runners"],
      },
      { dependsOn: [upstream] },
    );
  });
  upstreamUrn = findResource(resources, "kubernetes:core/v1:ConfigMap", "upstream").urn;
});

describe("SecurityStack", () => {
  it("puts Tetragon in a privileged namespace and records why", () => {
    const namespace = plain(findResource(resources, "kubernetes:core/v1:Namespace", "security-namespace"));
    expect(namespace.metadata.name).toBe(config.namespace);
    expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    // The reason the policy pack's allowlist gives for Tetragon's default namespace.
    expect(namespace.metadata.annotations["home-platform.dev/privileged-reason"]).toBe(defaultPrivilegedNamespaces.security);
    expect(namespace.metadata.annotations["home-platform.dev/privileged-reason"]).toMatch(/^Tetragon: privileged hostNetwork DaemonSet/);
  });

  it("installs the pinned Tetragon chart with the Talos-tuned values, after the upstream stack", () => {
    const release = findResource(resources, "kubernetes:helm.sh/v3:Release", "security-tetragon");
    const inputs = plain(release);
    expect(inputs).toMatchObject({ chart: charts.tetragon.chart, version: charts.tetragon.version, namespace: config.namespace });
    expect(inputs.repositoryOpts).toEqual({ repo: charts.tetragon.repository });
    // The Talos-specific settings (tetragon-values.test.ts checks them against the chart's defaults).
    expect(inputs.values.tetragon).toMatchObject({ enableProcessCred: true, enableProcessNs: true, resources: config.tetragon.resources });
    expect(inputs.values.extraHostPathMounts).toContainEqual(expect.objectContaining({ mountPath: "/sys/kernel/tracing" }));
    expect(inputs.values.export).toEqual({ mode: "stdout", resources: config.tetragon.exportResources });
    expect(release.dependsOn).toContain(upstreamUrn);
  });

  it("deploys the tracing policies after the release, each valid against the CRD", () => {
    const release = findResource(resources, "kubernetes:helm.sh/v3:Release", "security-tetragon");
    const policies = resourcesOfType(resources, "kubernetes:cilium.io/v1alpha1:TracingPolicy");
    // Registration order follows the release's resolution, not the code: compare as sets.
    expect(policies.map((policy) => plain(policy).metadata.name).sort()).toEqual([...stack.tracingPolicyNames].sort());
    expect(stack.tracingPolicyNames).toHaveLength(3);
    for (const policy of policies) {
      expect(crdErrors(plain(policy), "cilium.io_tracingpolicies.yaml")).toEqual([]);
      expect(policy.dependsOn).toContain(release.urn);
    }
    const egress = plain(policies.find((policy) => plain(policy).metadata.name === "network-egress")!);
    const internal = egress.spec.kprobes[0].selectors.find((s: any) => s.matchArgs[0].operator === "NotDAddr").matchArgs[0].values;
    expect(internal).toEqual(expect.arrayContaining([...homeClusterCidrs, ...config.trustedCidrs]));
  });

  it("registers the security-alerts PrometheusRule, valid against its CRD, after the upstream stack", () => {
    const [rule] = resourcesOfType(resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    const inputs = plain(rule);
    expect(inputs.metadata).toMatchObject({ name: prometheusRuleName, namespace: config.namespace });
    expect(crdErrors(inputs, "crd-prometheusrules.yaml")).toEqual([]);
    expect(rule.dependsOn).toContain(upstreamUrn);
  });

  it("skips the CI namespaces it is given in the CI-noisy alerts, with none set in config", () => {
    expect(config.alerts.ciNamespaces).toEqual([]);
    const [rule] = resourcesOfType(resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    const exprs = Object.fromEntries(plain(rule).spec.groups.flatMap((g: any) => g.rules).map((r: any) => [r.alert, r.expr]));
    for (const alert of ["PrivilegeEscalationDetected", "AbnormalProcessExecution"]) expect(exprs[alert]).toContain('namespace!~"forgejo-runners"');
    expect(exprs.SensitiveFileAccessed).not.toContain("forgejo-runners");
  });

  it("ships the dashboard as a ConfigMap in the monitoring namespace, labelled as the observability surface says", () => {
    // tests/stacks/public-surfaces.test.ts checks, on the whole plan, that Grafana's values select this label.
    const dashboard = plain(findResource(resources, "kubernetes:core/v1:ConfigMap", "security-dashboard"));
    expect(dashboard.metadata).toMatchObject({ namespace: "monitoring", labels: { [dashboardSidecarLabel.key]: dashboardSidecarLabel.value } });
    expect(dashboard.metadata.name).toBe("tetragon-security-dashboard");
    expect(Object.keys(dashboard.data)).toEqual(["tetragon-security.json"]);
    // The namespaces the stack was given reach the dashboard (dashboard.test.ts checks its panels).
    const json = JSON.parse(dashboard.data["tetragon-security.json"]);
    expect(json).toMatchObject({ uid: "tetragon-security", title: "Tetragon security events" });
    expect(json.description).toContain('{kubernetes.pod_namespace="runtime-security", kubernetes.container_name="export-stdout"} | unpack_json');
    expect(json.description).toContain("by the collector in logging");
  });

  it("lets Prometheus scrape the operator and the operator reach the API server", () => {
    const policy = plain(findResource(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "security-tetragon-operator"));
    expect(policy.metadata.namespace).toBe(config.namespace);
    expect(policy.spec).toEqual({
      // The chart's operator Deployment selector and its metrics port (tetragonOperator.prometheus.port).
      podSelector: { matchLabels: { "app.kubernetes.io/name": "tetragon-operator" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }],
          ports: [{ port: 2113, protocol: "TCP" }],
        },
      ],
      // The API server: the `kubernetes` Service's port and the control plane's.
      egress: [{ to: homeClusterCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 443, protocol: "TCP" }, { port: 6443, protocol: "TCP" }] }],
    });
  });

  it("reports its workload requests and policy names as outputs", () => {
    const component = findResource(resources, "home-platform:security:SecurityStack", "security");
    // The chart's defaults in config: agent and export sidecar on every node, one operator.
    expect(stack.workloadRequests).toEqual([
      { stack: "security", workload: "tetragon", replicas: "perNode", cpuMillis: 100, memoryMiB: 256 },
      { stack: "security", workload: "tetragon-export-stdout", replicas: "perNode", cpuMillis: 10, memoryMiB: 32 },
      { stack: "security", workload: "tetragon-operator", replicas: 1, cpuMillis: 10, memoryMiB: 64 },
    ]);
    expect(component.outputs).toMatchObject({ tracingPolicyNames: stack.tracingPolicyNames, workloadRequests: stack.workloadRequests });
  });

  it("passes the platform policy pack (the plan's evaluation) with no violation", () => {
    const violations = evaluatePolicies(resources, { privilegedNamespaces: { [config.namespace]: "Tetragon (renamed namespace)" } });
    expect(violations).toEqual([]);
  });

  it("fails the allowlist rule when renamed without telling the pack", () => {
    const violations = evaluatePolicies(resources);
    expect(violations.map((violation) => violation.policy)).toEqual(["privileged-namespace-allowlist"]);
  });
});
