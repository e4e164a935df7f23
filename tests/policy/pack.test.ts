import { openebsNamespace } from "../../config/foundations-names";
import type { PolicyPackArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { defaultRuleContext, rules } from "../../policy/rules";
import { defaultPrivilegedNamespaces } from "../../policy/rules/pod-security";
import { securitySchema } from "../../config/schema/security";
import { observabilitySchema } from "../../config/schema/observability";
import { runnersSchema } from "../../config/schema/runners";
import { backupsSchema } from "../../config/schema/backups";
import { collectorNamespaceName, nodeExporterNamespaceName } from "../../config/namespaces";
import { denyAll, deployment, container, namespace, networkPolicy } from "./resources";

/**
 * Loads policy/index.ts as `pulumi preview --policy-pack` would, with PolicyPack replaced by a
 * recorder: the real one starts a gRPC server for the CLI.
 */
const packs: { name: string; args: PolicyPackArgs }[] = [];
jest.mock("@pulumi/policy", () => ({
  ...jest.requireActual("@pulumi/policy"),
  PolicyPack: class {
    constructor(name: string, args: PolicyPackArgs) {
      packs.push({ name, args });
    }
  },
}));

type Reported = { message: string; urn?: string };
let pack: { name: string; args: PolicyPackArgs };
let secretMarkersUnavailable: string;

beforeAll(async () => {
  ({ secretMarkersUnavailable } = await import("../../policy/index"));
  expect(packs).toHaveLength(1);
  pack = packs[0];
});

const policy = (name: string) => pack.args.policies.find((p) => p.name === name)!;

/** A ResourceValidationArgs as @pulumi/policy builds it (props plain, opts.protect, getConfig). */
function validate(name: string, r: { type: string; name: string; urn?: string; inputs: Record<string, unknown>; protect: boolean }, config: object = {}) {
  const reported: Reported[] = [];
  let notApplicable: string | undefined;
  const args = {
    type: r.type,
    name: r.name,
    urn: r.urn ?? `urn:pulumi:test::p::${r.type}::${r.name}`,
    props: r.inputs,
    opts: { protect: r.protect, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
    getConfig: () => config,
    notApplicable: (reason?: string): never => {
      notApplicable = reason;
      throw new Error("not applicable");
    },
  };
  try {
    const validation = (policy(name) as ResourceValidationPolicy).validateResource;
    if (typeof validation !== "function") throw new Error(`${name} has no single validateResource function`);
    void validation(args as never, ((message: string, urn?: string) => reported.push({ message, urn })) as never);
  } catch (err) {
    if (notApplicable === undefined) throw err;
  }
  return { reported, notApplicable };
}

describe("the policy pack (policy/index.ts)", () => {
  it("registers every rule once, under the rule's name, description and enforcement level", () => {
    expect(pack.name).toBe("home-platform");
    expect(pack.args.policies.map((p) => p.name)).toEqual(rules.map((rule) => rule.name));
    for (const rule of rules) {
      const registered = policy(rule.name);
      expect({ name: rule.name, description: registered.description, level: registered.enforcementLevel }).toEqual({
        name: rule.name,
        description: rule.description,
        level: rule.enforcement,
      });
      expect(rule.kind === "stack" ? "validateStack" in registered : "validateResource" in registered).toBe(true);
    }
  });

  it("reports what the pure rule reports for the same resource", () => {
    const bad = deployment("web", [container("web", "nginx:latest")]);
    const expected = rules.find((rule) => rule.name === "no-floating-images")!;
    if (expected.kind !== "resource") throw new Error("expected a resource rule");
    expect(validate("no-floating-images", bad).reported.map((r) => r.message)).toEqual(expected.check(bad, defaultRuleContext).map((v) => v.message));
    expect(validate("stateful-resources-protected", { type: "aws:s3/bucket:Bucket", name: "b", inputs: {}, protect: false }).reported).toHaveLength(1);
    expect(validate("stateful-resources-protected", { type: "aws:s3/bucket:Bucket", name: "b", inputs: {}, protect: true }).reported).toHaveLength(0);
  });

  it("runs the stack-wide default-deny rule over the stack's resources, reporting the namespace's URN", async () => {
    const resources = [namespace("a", { "home-platform.dev/managed": "true" }), namespace("b", { "home-platform.dev/managed": "true" }), networkPolicy("default-deny", "a", denyAll)];
    const reported: Reported[] = [];
    const args = {
      resources: resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, opts: { protect: r.protect } })),
      getConfig: () => ({}),
      notApplicable: () => {
        throw new Error("unexpected");
      },
    };
    await (policy("namespace-default-deny") as StackValidationPolicy).validateStack(args as never, ((message: string, urn?: string) => reported.push({ message, urn })) as never);
    expect(reported).toEqual([{ message: "namespace b has no deny-all NetworkPolicy named default-deny", urn: resources[1].urn }]);
  });

  it("declares the secret rules not applicable, since the pack cannot see secretness", () => {
    const literal = { type: "kubernetes:v1:Secret", name: "s", inputs: { kind: "Secret", stringData: { password: "x" } }, protect: false };
    for (const rule of rules.filter((r) => r.needsSecretMarkers)) {
      const result = validate(rule.name, literal);
      expect(result).toEqual({ reported: [], notApplicable: secretMarkersUnavailable });
    }
    expect(rules.filter((r) => r.needsSecretMarkers).map((r) => r.name)).toEqual(["secret-data-from-secrets", "helm-credentials-secret"]);
  });

  it("offers the privileged-namespace allowlist as policy config, defaulting to the rule's allowlist", () => {
    const registered = policy("privileged-namespace-allowlist");
    expect(registered.configSchema?.properties.privilegedNamespaces.default).toEqual(defaultPrivilegedNamespaces);
    const ns = namespace("lab", { "pod-security.kubernetes.io/enforce": "privileged" }, { "home-platform.dev/privileged-reason": "experiments" });
    expect(validate("privileged-namespace-allowlist", ns).reported).toHaveLength(1);
    expect(validate("privileged-namespace-allowlist", ns, { privilegedNamespaces: { lab: "experiments" } }).reported).toHaveLength(0);
    for (const other of pack.args.policies.filter((p) => p.name !== "privileged-namespace-allowlist")) expect(other.configSchema).toBeUndefined();
  });
});

describe("the default privileged allowlist", () => {
  it("names exactly the namespaces the stacks make privileged under default config", () => {
    const observability = observabilitySchema.shape;
    const expected = [
      securitySchema.parse({}).namespace,
      collectorNamespaceName(observability.logsNamespace.parse(undefined), undefined),
      nodeExporterNamespaceName(observability.namespace.parse(undefined), undefined),
      runnersSchema.shape.namespace.parse(undefined),
      // Velero's node agent (hostPath pod volumes) when home-platform:backups is on.
      backupsSchema.parse({ etcd: { enabled: false } }).namespace,
      openebsNamespace,
    ];
    expect(Object.keys(defaultPrivilegedNamespaces).sort()).toEqual(expected.sort());
    for (const reason of Object.values(defaultPrivilegedNamespaces)) expect(reason.length).toBeGreaterThan(20);
  });
});
