import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { evaluatePolicies, hasMandatoryViolations } from "../../policy/evaluate";
import { withMocks, type CapturedResource } from "../helpers";
import { container, denyAll, deployment, fullResources, namespace, networkPolicy, resource } from "./resources";

describe("evaluatePolicies", () => {
  it("returns one line per violation: policy, enforcement, resource and message", () => {
    const violations = evaluatePolicies([
      deployment("web", [container("web", "nginx:latest", fullResources)]),
      namespace("apps", { "home-platform.dev/managed": "true", "pod-security.kubernetes.io/enforce": "restricted" }),
      resource("kubernetes:helm.sh/v3:Release", "runner", { values: { runner: { token: "abc" } } }),
    ]);
    expect(violations).toEqual([
      {
        policy: "no-floating-images",
        enforcement: "mandatory",
        resource: "urn:pulumi:test::home-platform::kubernetes:apps/v1:Deployment::web",
        message: 'containers[0] (web): image "nginx:latest" uses the latest tag',
      },
      {
        policy: "namespace-default-deny",
        enforcement: "mandatory",
        resource: "urn:pulumi:test::home-platform::kubernetes:core/v1:Namespace::apps-ns",
        message: "namespace apps has no deny-all NetworkPolicy named default-deny",
      },
      {
        policy: "helm-credentials-secret",
        enforcement: "advisory",
        resource: "urn:pulumi:test::home-platform::kubernetes:helm.sh/v3:Release::runner",
        message: "values.runner.token looks like a credential but is a plain value: pass a secret Output or an existing Secret",
      },
    ]);
    expect(hasMandatoryViolations(violations)).toBe(true);
    expect(hasMandatoryViolations(violations.filter((v) => v.enforcement === "advisory"))).toBe(false);
  });

  it("finds nothing in compliant resources", () => {
    const ns = namespace("apps", { "home-platform.dev/managed": "true", "pod-security.kubernetes.io/enforce": "restricted" });
    expect(evaluatePolicies([ns, networkPolicy("default-deny", "apps", denyAll), deployment("web", [container("web", "nginx:1.27", fullResources)])])).toEqual([]);
  });
});

describe("evaluatePolicies on what the plan captures", () => {
  let resources: CapturedResource[];
  beforeAll(async () => {
    resources = await withMocks(() => {
      const secret = pulumi.secret("s3cr3t");
      new k8s.core.v1.ConfigMap("leaky", { metadata: { name: "leaky" }, data: { "objstore.yml": secret, region: "us-east-1" } });
      new k8s.core.v1.ConfigMap("clean", { metadata: { name: "clean" }, data: { region: "us-east-1" } });
      new k8s.core.v1.Secret("typed", { metadata: { name: "typed" }, stringData: { password: secret } });
      // A Secret registered without the typed class: nothing wraps its data for us.
      new k8s.apiextensions.CustomResource("raw", { apiVersion: "v1", kind: "Secret", metadata: { name: "raw" }, stringData: { password: "literal", token: secret } });
      new k8s.helm.v3.Release("chart", { chart: "x", version: "1.0.0", values: { auth: { token: secret, password: "plain" } } });
      new k8s.apps.v1.Deployment("hidden-image", {
        spec: { selector: { matchLabels: { app: "x" } }, template: { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "x", image: pulumi.secret("nginx:latest"), resources: fullResources }] } } },
      });
    });
  });

  const messagesFor = (policy: string) => evaluatePolicies(resources).filter((v) => v.policy === policy).map((v) => `${v.resource.split("::").pop()}: ${v.message}`)
      // Registration order depends on when each resource's inputs resolve.
      .sort();

  it("sees secret Outputs where the program put them", () => {
    expect(messagesFor("secret-data-from-secrets")).toEqual([
      "leaky: ConfigMap data.objstore.yml holds a secret Output: ConfigMaps are plain text in the cluster, use a Secret",
      "raw: Secret stringData.password is a plain value: build it from a secret Output (secrets file), not a literal",
    ]);
    expect(messagesFor("helm-credentials-secret")).toEqual([
      "chart: values.auth.password looks like a credential but is a plain value: pass a secret Output or an existing Secret",
    ]);
  });

  it("lets the other rules read secret values as plain ones", () => {
    expect(messagesFor("no-floating-images")).toEqual(['hidden-image: containers[0] (x): image "nginx:latest" uses the latest tag']);
  });
});
