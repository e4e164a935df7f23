import * as pulumi from "@pulumi/pulumi";
import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import type { RunnersConfig } from "../../../config/schema";
import { cpuToMillis, memoryToMiB } from "../../../lib/capacity";
import { charts, images } from "../../../versions";
import { find, isSecretAt, ofType, runnersConfig, settle, startMocks, unwrap, type Registration } from "./mocks";

const T = {
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  job: "kubernetes:batch/v1:Job",
  release: "kubernetes:helm.sh/v3:Release",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
};

// A stand-in value; any string works, it only has to be recognisable wherever it might leak.
const token = "registration-token-for-tests-7f3a9c";

/** A config far from the defaults, so every sizing value is checked against something it could differ from. */
const bigger = (): RunnersConfig =>
  runnersConfig("home", {
    replicas: 3,
    capacity: 4,
    dind: {
      storageSize: "35Gi",
      storageClass: "fast-ssd",
      resources: { requests: { cpu: "750m", memory: "1536Mi" }, limits: { memory: "6Gi" } },
    },
    egress: { ports: [443], allowCidrs: ["10.20.0.0/24"] },
  });

interface Deployed {
  readonly registrations: Registration[];
  readonly outputs: Map<string, Record<string, unknown>>;
  readonly workloadRequests: unknown;
  readonly namespace: string;
}

async function deploy(
  config: RunnersConfig,
  options: { registrationToken?: pulumi.Input<string>; clusterCidrs?: string[] } = {},
): Promise<Deployed> {
  const recording = await startMocks();
  // Imported after the mocks, as the SDK requires.
  const k8s = await import("@pulumi/kubernetes");
  const { RunnersStack } = await import("../../../stacks/runners");
  const provider = new k8s.Provider("k8s", {});
  const stack = new RunnersStack(
    "runners",
    { config, registrationToken: options.registrationToken ?? pulumi.secret(token), clusterCidrs: options.clusterCidrs },
    { provider },
  );
  const namespace = await new Promise<string>((resolve) => stack.namespace.apply(resolve));
  await settle();
  return { ...recording, workloadRequests: stack.workloadRequests, namespace };
}

const releaseValues = (d: Deployed) => unwrap(find(d.registrations, T.release, "runners-release").inputs.values) as Record<string, any>;
const jobPod = (d: Deployed) => find(d.registrations, T.job, "runners-registration").inputs.spec.template;

describe.each([
  ["home", () => runnersConfig("home")],
  ["lab", () => runnersConfig("lab")],
  ["a bigger variant", bigger],
])("runner sizing for %s", (_label, makeConfig) => {
  const config = makeConfig();
  let d: Deployed;
  beforeAll(async () => {
    d = await deploy(config);
  });

  it("runs config.replicas runners, each taking config.capacity jobs with the configured labels", () => {
    const values = releaseValues(d);
    expect(values.replicaCount).toBe(config.replicas);
    expect(values.runner.config.file.runner.capacity).toBe(config.capacity);
    expect(values.runner.config.file.runner.labels).toEqual(config.labels);
  });

  it("sizes the runner and dind containers and Docker's volume from config", () => {
    const values = releaseValues(d);
    expect(values.resources).toEqual(config.resources);
    expect(values.dind.resources).toEqual(config.dind.resources);
    const [volume] = values.volumes;
    const claim = volume.ephemeral.volumeClaimTemplate.spec;
    expect(claim.resources.requests.storage).toBe(config.dind.storageSize);
    expect(claim.storageClassName).toBe(config.dind.storageClass);
    expect(values.volumeMounts).toEqual([{ name: volume.name, mountPath: "/var/lib/docker" }]);
  });

  it("reports runner and dind requests per replica, registered as the component's output", () => {
    const expected = [
      { container: "forgejo-runner", resources: config.resources },
      { container: "forgejo-runner-dind", resources: config.dind.resources },
    ].map(({ container, resources }) => ({
      stack: "runners",
      workload: container,
      replicas: config.replicas,
      cpuMillis: cpuToMillis(resources.requests.cpu),
      memoryMiB: memoryToMiB(resources.requests.memory),
    }));
    expect(d.workloadRequests).toEqual(expected);
    const [, registered] = [...d.outputs].find(([urn]) => urn.endsWith("home-platform:runners:RunnersStack::runners")) ?? [];
    expect(registered?.workloadRequests).toEqual(expected);
  });

  it("puts everything in the configured namespace, privileged for docker-in-docker with the reason recorded", () => {
    expect(d.namespace).toBe(config.namespace);
    const ns = find(d.registrations, T.namespace, "runners-namespace").inputs.metadata;
    expect(ns.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    expect(Object.values(ns.annotations)).toContain("docker-in-docker needs privileged");
    for (const r of d.registrations.filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== T.namespace)) {
      expect([r.name, unwrap(r.inputs.metadata?.namespace ?? r.inputs.namespace)]).toEqual([r.name, config.namespace]);
    }
  });

  it("opens the configured ports to the internet only", () => {
    const policy = find(d.registrations, T.networkPolicy, "runners-allow-internet-egress").inputs.spec;
    expect(policy.podSelector).toEqual({});
    expect(policy.egress).toHaveLength(1);
    expect(policy.egress[0].ports).toEqual(config.egress.ports.map((port) => ({ port, protocol: "TCP" })));
    const [internet, ...allowed] = policy.egress[0].to;
    expect(internet.ipBlock.cidr).toBe("0.0.0.0/0");
    expect(internet.ipBlock.except).toEqual(expect.arrayContaining(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]));
    expect(allowed.map((peer: any) => peer.ipBlock.cidr)).toEqual(config.egress.allowCidrs);
  });
});

describe("the registration token", () => {
  let d: Deployed;
  beforeAll(async () => {
    d = await deploy(runnersConfig("home"));
  });

  it("lives in one Secret, as a secret input", () => {
    const secret = find(d.registrations, T.secret, "runners-registration-token");
    const stringData = unwrap(secret.inputs.stringData) as Record<string, string>;
    const [key] = Object.keys(stringData);
    expect(stringData[key]).toBe(token);
    expect(isSecretAt(secret.inputs, ["stringData", key])).toBe(true);
  });

  it("appears in no other resource: not in Helm values, the Job, or any other object", () => {
    const others = d.registrations.filter((r) => r.name !== "runners-registration-token");
    expect(others.length).toBeGreaterThan(10);
    for (const r of others) expect(JSON.stringify(unwrap(r.inputs))).not.toContain(token);
    // Nothing in the values is secret at all, so nothing secret can reach Helm's release record.
    expect(JSON.stringify(find(d.registrations, T.release, "runners-release").inputs.values)).not.toContain(specialSigKey);
  });

  it("reaches the registration step only through a secretKeyRef to that Secret", () => {
    const secret = unwrap(find(d.registrations, T.secret, "runners-registration-token").inputs) as Record<string, any>;
    const refs = [...jobPod(d).spec.initContainers, ...jobPod(d).spec.containers]
      .flatMap((c: any) => c.env ?? [])
      .filter((e: any) => e.valueFrom?.secretKeyRef);
    expect(refs).toEqual([
      { name: "REGISTRATION_TOKEN", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: Object.keys(secret.stringData)[0] } } },
    ]);
  });

  it("is marked secret even when the caller passes a plain string", async () => {
    const plain = await deploy(runnersConfig("home"), { registrationToken: token });
    const secret = find(plain.registrations, T.secret, "runners-registration-token");
    const keys = Object.keys(unwrap(secret.inputs.stringData) as object);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(isSecretAt(secret.inputs, ["stringData", key])).toBe(true);
  });
});

describe("registration and RBAC", () => {
  let d: Deployed;
  beforeAll(async () => {
    d = await deploy(runnersConfig("home"));
  });

  it("disables the chart's token-in-values Job and mounts the Secret our Job fills", () => {
    const config = releaseValues(d).runner.config;
    expect(config.create).toBe(false);
    expect(config.token).toBeUndefined();
    const credentials = find(d.registrations, T.secret, "runners-credentials");
    expect(config.existingSecret).toBe(credentials.inputs.metadata.name);
    // The Job fills `data` after Pulumi created the Secret empty; Pulumi must not undo that.
    expect(credentials.ignoreChanges).toEqual(expect.arrayContaining(["data", "stringData"]));
    const store = jobPod(d).spec.containers[0];
    expect(store.env).toContainEqual({ name: "CREDENTIALS_SECRET", value: config.existingSecret });
  });

  it("grants no cluster-wide rights and only get/patch on the one credentials Secret", () => {
    expect(d.registrations.filter((r) => /ClusterRole/.test(r.type))).toEqual([]);
    const roles = ofType(d.registrations, T.role);
    expect(roles).toHaveLength(1);
    const existingSecret = releaseValues(d).runner.config.existingSecret;
    for (const rule of roles[0].inputs.rules) {
      expect(rule.resources).toEqual(["secrets"]);
      expect(rule.resourceNames).toEqual([existingSecret]);
      expect(["get", "patch"]).toEqual(expect.arrayContaining(rule.verbs));
    }
  });

  it("binds that Role to the Job's account only, whose token only the store step sees", () => {
    const binding = find(d.registrations, T.roleBinding, "runners-registration-binding").inputs;
    const role = ofType(d.registrations, T.role)[0].inputs;
    const pod = jobPod(d).spec;
    expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: pod.serviceAccountName, namespace: d.namespace }]);
    expect(pod.automountServiceAccountToken).toBe(false);
    const tokenVolumes = pod.volumes.filter((v: any) => v.projected?.sources.some((s: any) => s.serviceAccountToken)).map((v: any) => v.name);
    const mounts = (c: any) => c.volumeMounts.map((m: any) => m.name);
    expect(pod.containers.filter((c: any) => mounts(c).some((m: string) => tokenVolumes.includes(m)))).toHaveLength(1);
    expect(pod.initContainers.flatMap(mounts).filter((m: string) => tokenVolumes.includes(m))).toEqual([]);
  });

  it("runs the runner pods under an account with no API token", () => {
    const account = releaseValues(d).serviceAccount;
    expect(account.create).toBe(false);
    const registered = ofType(d.registrations, T.serviceAccount).find((r) => r.inputs.metadata.name === account.name);
    expect(registered?.inputs.automountServiceAccountToken).toBe(false);
  });

  it("replaces the chart's Bitnami kubectl with the pinned image, in the chart's registry/repository shape", () => {
    const kubectl = releaseValues(d).kubectl.image;
    expect(`${kubectl.registry}/${kubectl.repository}:${kubectl.tag}`).toBe(`${images.kubectl.repository}:${images.kubectl.tag}`);
    expect(JSON.stringify(releaseValues(d))).not.toContain("bitnami");
  });

  it("installs the pinned chart only after registration, and registers only after RBAC, token and policies exist", () => {
    const release = find(d.registrations, T.release, "runners-release");
    expect(release.inputs.version).toBe(charts.forgejoRunner.version);
    expect(release.dependencies.some((urn) => urn.endsWith(`${T.job}::runners-registration`))).toBe(true);
    const job = find(d.registrations, T.job, "runners-registration");
    for (const [type, name] of [
      [T.secret, "runners-registration-token"],
      [T.secret, "runners-credentials"],
      [T.roleBinding, "runners-registration-binding"],
      [T.networkPolicy, "runners-allow-internet-egress"],
      [T.networkPolicy, "runners-allow-registration-apiserver"],
    ]) {
      expect([name, job.dependencies.some((urn) => urn.endsWith(`${type}::${name}`))]).toEqual([name, true]);
    }
  });
});

describe("network isolation", () => {
  it("admits no ingress and lets only the registration pods reach the API server, on the cluster's networks", async () => {
    const clusterCidrs = ["203.0.113.0/24"];
    const d = await deploy(runnersConfig("home"), { clusterCidrs });
    const policies = ofType(d.registrations, T.networkPolicy).map((r) => r.inputs.spec);
    for (const spec of policies) expect(spec.ingress ?? []).toEqual([]);
    const internet = find(d.registrations, T.networkPolicy, "runners-allow-internet-egress").inputs.spec;
    expect(internet.egress[0].to[0].ipBlock.except).toEqual(expect.arrayContaining(clusterCidrs));
    const api = find(d.registrations, T.networkPolicy, "runners-allow-registration-apiserver").inputs.spec;
    expect(jobPod(d).metadata.labels).toMatchObject(api.podSelector.matchLabels);
    expect(api.egress[0].to).toEqual(clusterCidrs.map((cidr) => ({ ipBlock: { cidr } })));
  });

  it("refuses an allowed network that overlaps the cluster's own", async () => {
    await startMocks();
    const { RunnersStack } = await import("../../../stacks/runners");
    const config = runnersConfig("home", { egress: { ports: [443], allowCidrs: ["192.168.35.128/25"] } });
    expect(() => new RunnersStack("runners", { config, registrationToken: token, clusterCidrs: ["192.168.35.0/24"] })).toThrow(
      /192\.168\.35\.128\/25 overlaps the cluster network 192\.168\.35\.0\/24/,
    );
  });
});

describe("resource tree", () => {
  let d: Deployed;
  beforeAll(async () => {
    d = await deploy(runnersConfig("home"));
  });

  it("sends every Kubernetes object through the caller's provider", () => {
    const objects = d.registrations.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(objects.length).toBeGreaterThan(10);
    for (const r of objects) expect([r.name, r.provider]).toEqual([r.name, expect.stringContaining("pulumi:providers:kubernetes::k8s::")]);
  });

  it("names every child after the component and its role, never after a value", () => {
    const children = d.registrations.filter((r) => r.type !== "pulumi:providers:kubernetes" && r.name !== "runners");
    for (const r of children) expect(r.name).toMatch(/^runners-[a-z-]+$/);
    expect(find(d.registrations, T.release, "runners-release").parent).toMatch(/home-platform:runners:RunnersStack::runners$/);
  });
});
