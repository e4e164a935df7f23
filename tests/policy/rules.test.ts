import { Secret } from "../../lib/secret-value";
import { containerResources } from "../../policy/rules/container-resources";
import { namespaceDefaultDeny } from "../../policy/rules/default-deny";
import { imageReferenceProblem, noFloatingImages } from "../../policy/rules/images";
import { defaultRuleContext } from "../../policy/rules";
import { namespacePodSecurity, privilegedNamespaceAllowlist } from "../../policy/rules/pod-security";
import { statefulResourcesProtected } from "../../policy/rules/protect";
import { helmCredentialsSecret, secretDataFromSecrets } from "../../policy/rules/secrets";
import type { PolicyResource, ResourceRule } from "../../policy/rules/types";
import { container, denyAll, deployment, fullResources, namespace, networkPolicy, resource } from "./resources";

const check = (rule: ResourceRule, r: PolicyResource, context = defaultRuleContext) => rule.check(r, context).map((v) => v.message);
const release = (values: Record<string, unknown>) => resource("kubernetes:helm.sh/v3:Release", "app", { chart: "app", values });
/** How pulumi serialises a secret on the wire. */
const wireSecret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

describe("no-floating-images", () => {
  it("accepts tags and digests, including registries with a port", () => {
    expect(imageReferenceProblem("registry.local:5000/team/app:1.4.2")).toBeUndefined();
    expect(imageReferenceProblem("busybox@sha256:" + "a".repeat(64))).toBeUndefined();
    const ok = deployment("web", [container("web", "nginx:1.27.1", fullResources)], [container("init", "busybox:1.36", fullResources)]);
    expect(check(noFloatingImages, ok)).toEqual([]);
    const values = { image: { repository: "quay.io/x/y", tag: "v1.2.3" }, kubectl: { image: { registry: "registry.k8s.io", repository: "kubectl", tag: "v1.36.1" } }, sidecarImage: "ghcr.io/a/b:2.0" };
    expect(check(noFloatingImages, release(values))).toEqual([]);
  });

  it("flags latest, missing tags and a registry port mistaken for a tag", () => {
    const bad = deployment("web", [container("a", "nginx"), container("b", "nginx:latest"), container("c", "registry.local:5000/app")]);
    expect(check(noFloatingImages, bad)).toEqual([
      'containers[0] (a): image "nginx" has no tag, which means latest',
      'containers[1] (b): image "nginx:latest" uses the latest tag',
      'containers[2] (c): image "registry.local:5000/app" has no tag, which means latest',
    ]);
  });

  it("flags Helm values we set: latest tags, a swapped repository without a tag, untagged image strings", () => {
    const values = { image: { tag: "latest" }, exporter: { image: { repository: "my/mirror" } }, helperImage: "alpine", list: [{ image: { tag: "" } }] };
    expect(check(noFloatingImages, release(values))).toEqual([
      'values.image.tag is "latest": pin a version',
      "values.exporter.image.repository is set without values.exporter.image.tag: pin the tag of the image you chose",
      'values.helperImage: image "alpine" has no tag, which means latest',
      'values.list[0].image.tag is "": pin a version',
    ]);
  });
});

describe("container-resources", () => {
  it("accepts containers with requests and a memory limit (no CPU limit needed)", () => {
    expect(check(containerResources, deployment("web", [container("web", "nginx:1", fullResources)]))).toEqual([]);
  });

  it("names each container and what it lacks, in every workload kind", () => {
    const cron = resource("kubernetes:batch/v1:CronJob", "backup", {
      spec: { jobTemplate: { spec: { template: { spec: { containers: [container("job", "restic:0.17", { requests: { cpu: "10m", memory: "32Mi" } })] } } } } },
    });
    expect(check(containerResources, cron)).toEqual(["containers[0] (job) has no limits.memory"]);
    const web = deployment("web", [container("web", "nginx:1")], [container("init", "busybox:1", { limits: { memory: "1Mi" } })]);
    expect(check(containerResources, web)).toEqual([
      "initContainers[0] (init) has no requests.cpu, requests.memory",
      "containers[0] (web) has no requests.cpu, requests.memory, limits.memory",
    ]);
  });
});

describe("namespace-pod-security", () => {
  it("accepts each Pod Security Standard level", () => {
    for (const level of ["restricted", "baseline", "privileged"]) {
      expect(check(namespacePodSecurity, namespace("apps", { "pod-security.kubernetes.io/enforce": level }))).toEqual([]);
    }
  });
  it("flags a namespace without the enforce label or with an unknown level", () => {
    expect(check(namespacePodSecurity, namespace("apps", {}))).toEqual(["namespace apps has no valid pod-security.kubernetes.io/enforce label (got null)"]);
    expect(check(namespacePodSecurity, namespace("apps", { "pod-security.kubernetes.io/enforce": "open" }))).toHaveLength(1);
  });
});

describe("privileged-namespace-allowlist", () => {
  const privileged = { "pod-security.kubernetes.io/enforce": "privileged" };
  const reason = { "home-platform.dev/privileged-reason": "Tetragon needs the host" };
  it("accepts an allow-listed namespace that records its reason, and ignores unprivileged ones", () => {
    expect(check(privilegedNamespaceAllowlist, namespace("security", privileged, reason))).toEqual([]);
    expect(check(privilegedNamespaceAllowlist, namespace("random", { "pod-security.kubernetes.io/enforce": "baseline" }))).toEqual([]);
  });
  it("flags a privileged namespace missing from the allowlist or without a reason", () => {
    expect(check(privilegedNamespaceAllowlist, namespace("random", privileged, reason))).toEqual([
      expect.stringMatching(/^namespace random is privileged but not in the allowlist \(forgejo-runners, logging-collector, monitoring-node-exporter, openebs, security, velero\)$/),
    ]);
    expect(check(privilegedNamespaceAllowlist, namespace("security", privileged))).toEqual([
      "namespace security is privileged without a home-platform.dev/privileged-reason annotation",
    ]);
  });
  it("reads the allowlist from the context", () => {
    const context = { privilegedNamespaces: { random: "lab experiment" } };
    expect(check(privilegedNamespaceAllowlist, namespace("random", privileged, reason), context)).toEqual([]);
    expect(check(privilegedNamespaceAllowlist, namespace("security", privileged, reason), context)).toHaveLength(1);
  });
});

describe("namespace-default-deny", () => {
  const managed = (name: string) => namespace(name, { "home-platform.dev/managed": "true", "pod-security.kubernetes.io/enforce": "restricted" });
  const run = (resources: PolicyResource[]) => namespaceDefaultDeny.check(resources, defaultRuleContext);

  it("accepts managed namespaces that each have a deny-all policy, and ignores unmanaged ones", () => {
    expect(run([managed("a"), networkPolicy("default-deny", "a", denyAll), namespace("other", {})])).toEqual([]);
  });

  it("flags a managed namespace whose default-deny is missing, misplaced or not deny-all", () => {
    const looser = [
      { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress", "Egress"] },
      { podSelector: {}, policyTypes: ["Ingress"] },
      { ...denyAll, egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] },
    ];
    for (const spec of looser) {
      const violations = run([managed("a"), networkPolicy("default-deny", "a", spec)]);
      expect(violations).toEqual([{ resource: "urn:pulumi:test::home-platform::kubernetes:core/v1:Namespace::a-ns", message: "namespace a has no deny-all NetworkPolicy named default-deny" }]);
    }
    expect(run([managed("a"), networkPolicy("default-deny", "b", denyAll)])).toHaveLength(1);
    expect(run([managed("a"), networkPolicy("deny", "a", denyAll)])).toHaveLength(1);
  });
});

describe("secret-data-from-secrets", () => {
  it("accepts Secret data that is secret as a whole or per value, and ConfigMaps without secrets", () => {
    const whole = resource("kubernetes:core/v1:Secret", "s", { kind: "Secret", stringData: new Secret({ password: "x" }) });
    const perValue = resource("kubernetes:core/v1:Secret", "s", { kind: "Secret", data: { token: wireSecret("eA==") }, stringData: { url: new Secret("https://x") } });
    const config = resource("kubernetes:core/v1:ConfigMap", "c", { kind: "ConfigMap", data: { "app.yaml": "a: 1" } });
    for (const r of [whole, perValue, config]) expect(check(secretDataFromSecrets, r)).toEqual([]);
  });

  it("flags literal Secret values and secret Outputs written into a ConfigMap", () => {
    const literal = resource("kubernetes:v1:Secret", "s", { kind: "Secret", stringData: { password: "hunter2", token: new Secret("t") } });
    expect(check(secretDataFromSecrets, literal)).toEqual([
      "Secret stringData.password is a plain value: build it from a secret Output (secrets file), not a literal",
    ]);
    const leaked = resource("kubernetes:core/v1:ConfigMap", "c", { kind: "ConfigMap", data: { plain: "a", objstore: new Secret("key: x") } });
    expect(check(secretDataFromSecrets, leaked)).toEqual([
      "ConfigMap data.objstore holds a secret Output: ConfigMaps are plain text in the cluster, use a Secret",
    ]);
  });
});

describe("helm-credentials-secret", () => {
  it("accepts secret credentials and references to existing Secrets", () => {
    const values = { admin: { existingSecret: "grafana-admin", passwordKey: "admin-password" }, runner: { token: new Secret("t") }, webhookUrl: "" };
    expect(check(helmCredentialsSecret, release(values))).toEqual([]);
  });
  it("flags plain credentials by key name", () => {
    const values = { runner: { config: { token: "abc" } }, alerting: { webhookUrl: "https://discord/x" }, s3: { accessKey: "AK" } };
    expect(check(helmCredentialsSecret, release(values)).map((m) => m.split(" ")[0])).toEqual([
      "values.runner.config.token",
      "values.alerting.webhookUrl",
      "values.s3.accessKey",
    ]);
  });
});

describe("stateful-resources-protected", () => {
  it("accepts protected VMs, buckets and volume claims, and ignores other types", () => {
    for (const type of ["proxmoxve:index/vmLegacy:VmLegacy", "aws:s3/bucket:Bucket", "kubernetes:core/v1:PersistentVolumeClaim"]) {
      expect(check(statefulResourcesProtected, resource(type, "x", {}, true))).toEqual([]);
    }
    expect(check(statefulResourcesProtected, resource("kubernetes:core/v1:ConfigMap", "x", {}, false))).toEqual([]);
  });
  it("flags them unprotected", () => {
    expect(check(statefulResourcesProtected, resource("aws:s3/bucket:Bucket", "thanos", {}, false))).toEqual([
      "thanos is an S3 bucket without protect: true; deleting it loses data",
    ]);
    expect(check(statefulResourcesProtected, resource("proxmoxve:index/vmLegacy:VmLegacy", "cp-1", {}, false))).toHaveLength(1);
  });
});
