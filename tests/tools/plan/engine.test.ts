import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { findResource, isSecret, mockRun, redact, resourcesOfType, runStackPlan, unwrapSecrets, withMocks, type PlanResult } from "../../helpers";
import { fixtureSecrets } from "./fixtures/project/secrets";

const cwd = path.join(__dirname, "fixtures", "project");
const urnOf = (plan: PlanResult, type: string, name: string) => findResource(plan.resources, type, name).urn;

describe("the fixture program on the mock engine", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await runStackPlan("home", undefined, { cwd });
  });

  test("everything hangs off the root stack, children off their component", () => {
    const stack = plan.resources[0];
    expect(stack).toMatchObject({ type: "pulumi:pulumi:Stack", name: "home-platform-home", parent: undefined });
    const cluster = findResource(plan.resources, "fixture:talos:Cluster", "lab");
    expect(cluster.parent).toBe(stack.urn);
    expect(findResource(plan.resources, "proxmoxve:index/vmLegacy:VmLegacy", "w-1").parent).toBe(cluster.urn);
  });

  test("URNs are the engine's: no Stack in the type chain, the parent's type kept", () => {
    expect(findResource(plan.resources, "fixture:talos:Cluster", "lab").urn).toBe("urn:pulumi:home::home-platform::fixture:talos:Cluster::lab");
    expect(findResource(plan.resources, "proxmoxve:index/vmLegacy:VmLegacy", "w-1").urn).toBe(
      "urn:pulumi:home::home-platform::fixture:talos:Cluster$proxmoxve:index/vmLegacy:VmLegacy::w-1",
    );
  });

  test("protect, explicit providers and dependencies are captured", () => {
    const vms = resourcesOfType(plan.resources, "proxmoxve:index/vmLegacy:VmLegacy");
    expect(vms.map((v) => [v.name, v.protect])).toEqual([["cp-1", true], ["w-1", false], ["w-2", false]]);
    const pve = urnOf(plan, "pulumi:providers:proxmoxve", "lab-pve");
    expect(vms.every((v) => v.provider === pve)).toBe(true);
    expect(vms[0].dependsOn).toContain(urnOf(plan, "proxmoxve:download/file:File", "lab-talos-iso"));
    const release = findResource(plan.resources, "kubernetes:helm.sh/v3:Release", "observability-grafana");
    expect(release.dependsOn).toContain(urnOf(plan, "kubernetes:core/v1:Namespace", "observability"));
    expect(release.provider).toBe(urnOf(plan, "pulumi:providers:kubernetes", "observability-k8s"));
    // dependsOn a component waits for all of its children.
    const health = findResource(plan.resources, "command:local:Command", "talos-health");
    expect(health.dependsOn).toEqual(expect.arrayContaining(vms.map((v) => v.urn)));
  });

  test("simulated outputs flow into dependent inputs", () => {
    const vm = findResource(plan.resources, "proxmoxve:index/vmLegacy:VmLegacy", "cp-1");
    expect(unwrapSecrets(vm.inputs)).toMatchObject({ cdrom: { fileId: "local:iso/nocloud-amd64.iso" } });
    expect(plan.outputs.nodeIps).toEqual({ "cp-1": "10.0.0.11", "w-1": "10.0.0.21", "w-2": "10.0.0.22" });
    expect(plan.outputs.bucketName).toMatch(/^loki-chunks-[0-9a-f]{8}$/);
  });

  test("secret inputs stay marked at the leaf, including outputs the SDK declares secret", () => {
    const release = findResource(plan.resources, "kubernetes:helm.sh/v3:Release", "observability-grafana");
    const values = release.inputs.values as Record<string, unknown>;
    expect(isSecret(values)).toBe(false);
    expect(values.adminUser).toBe("admin");
    // RandomPassword.result is secret only through additionalSecretOutputs.
    expect(isSecret(values.adminPassword)).toBe(true);
    expect(redact(values)).toMatchObject({ adminPassword: "[secret]", "grafana.ini": { smtp: { enabled: true, password: "[secret]" } } });
    expect(JSON.stringify(unwrapSecrets(values))).toContain(fixtureSecrets.smtpPassword);
    expect(isSecret(plan.outputs.kubeconfig)).toBe(true);
    const provider = findResource(plan.resources, "pulumi:providers:proxmoxve", "lab-pve");
    expect(isSecret(provider.inputs.apiToken)).toBe(true); // a `secure:` config value
  });

  test("component outputs are captured, machine configs with per-leaf secrets", () => {
    const cluster = findResource(plan.resources, "fixture:talos:Cluster", "lab");
    const configs = cluster.outputs?.machineConfigs as Record<string, [{ machine: Record<string, unknown> }, unknown]>;
    expect(Object.keys(configs)).toEqual(["cp-1", "w-1", "w-2"]);
    expect(isSecret(configs["w-1"][0].machine.token)).toBe(true);
    expect(configs["w-1"][0].machine.type).toBe("worker");
    expect(configs["w-1"][1]).toEqual({ apiVersion: "v1alpha1", kind: "HostnameConfig", hostname: "w-1" });
    const o11y = findResource(plan.resources, "fixture:platform:Observability", "observability");
    expect(o11y.outputs?.workloadRequests).toHaveLength(2);
  });

  test("capacity: perNode requests × schedulable nodes, against allocatable", () => {
    const capacity = plan.capacity!;
    expect(capacity.schedulableNodes).toBe(2);
    // grafana 2 × 100m + node-exporter 2 nodes × 50m; memory 2 × 256 + 2 × 64.
    expect(capacity.total).toEqual({ cpuMillis: 300, memoryMiB: 640, cpuPercent: 4.3, memoryPercent: 2.1 });
    expect(capacity.hosts.map((h) => [h.name, h.vmCores, h.cpuCores])).toEqual([["pve1", 8, 16], ["pve2", 4, 8]]);
  });

  test("a second run in the same file sees only its own resources, with config overrides applied", async () => {
    const again = await runStackPlan("home", { "home-platform:grafana": { adminUser: "root", replicas: 3 } }, { cwd });
    expect(again.resources).toHaveLength(plan.resources.length);
    const values = findResource(again.resources, "kubernetes:helm.sh/v3:Release", "observability-grafana").inputs.values;
    expect(unwrapSecrets(values)).toMatchObject({ adminUser: "root", replicas: 3 });
    expect(again.capacity?.total.cpuMillis).toBe(3 * 100 + 2 * 50);
  });

  test("a ConfigError from the program rejects with its problems", async () => {
    await expect(runStackPlan("bad", undefined, { cwd })).rejects.toMatchObject({
      name: "ConfigError",
      problems: [
        'config error: home-platform:cluster.nodes[1].ip: "10.0.0.300" is not an IPv4 address',
        'config error: home-platform:cluster.nodes[2].ip: "not-an-ip" is not an IPv4 address',
      ],
    });
  });

  test("a missing stack file is a clear error", async () => {
    await expect(runStackPlan("nope", undefined, { cwd })).rejects.toThrow(/stack config not found: .*Pulumi\.nope\.yaml/);
  });
});

describe("withMocks for component tests", () => {
  class Pair extends pulumi.ComponentResource {
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
      super("test:index:Pair", name, {}, opts);
      const first = new random.RandomPassword(`${name}-first`, { length: 8 }, { parent: this, protect: true });
      new random.RandomString(`${name}-second`, { length: 4, keepers: { first: first.result } }, { parent: this });
      this.registerOutputs({ size: 2, token: pulumi.secret("tok") });
    }
  }

  test("records the component's children, options and outputs; repeated calls do not leak", async () => {
    for (const name of ["a", "b"]) {
      const resources = await withMocks(() => {
        new Pair(name);
      });
      expect(resources.map((r) => r.name)).toEqual([`home-platform-test`, name, `${name}-first`, `${name}-second`]);
      const pair = findResource(resources, "test:index:Pair", name);
      expect(redact(pair.outputs)).toEqual({ size: 2, token: "[secret]" });
      expect(findResource(resources, "random:index/randomPassword:RandomPassword", `${name}-first`).protect).toBe(true);
      const second = findResource(resources, "random:index/randomString:RandomString", `${name}-second`);
      expect(second.dependsOn).toEqual([urnFor(resources, `${name}-first`)]);
      expect(redact(second.inputs)).toEqual({ length: 4, keepers: { first: "[secret]" } });
    }
  });
});

test("an input that never resolves fails the run instead of hanging it", async () => {
  const never = new Promise<number>(() => undefined);
  await expect(
    mockRun(() => {
      new random.RandomString("stuck", { length: never });
    }, { drainTimeoutMs: 300 }),
  ).rejects.toThrow("registrations did not finish in time");
});

test("what the body returns becomes the stack outputs, secrets marked", async () => {
  const run = await mockRun(() => ({ plain: pulumi.output("a"), hidden: pulumi.secret({ k: "v" }) }));
  expect(redact(run.outputs)).toEqual({ plain: "a", hidden: { k: "[secret]" } });
});

function urnFor(resources: { name: string; urn: string }[], name: string): string {
  return resources.find((r) => r.name === name)!.urn;
}
