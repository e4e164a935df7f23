import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RunnersConfig } from "../../../config/schema";
import { cpuToMillis, memoryToMiB } from "../../../lib/quantity";
import { RunnersStack } from "../../../stacks/runners";
import { charts, images } from "../../../versions";
import { containsSecret, findResource, isSecretAt, resourcesOfType, unwrapSecrets, valueOf, withMocks, type CapturedResource } from "../../helpers";
import { runnersConfig } from "./config";

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
  readonly resources: CapturedResource[];
  readonly workloadRequests: unknown;
  readonly namespace: string;
}

async function deploy(
  config: RunnersConfig,
  options: { registrationToken?: pulumi.Input<string>; nodePodAndServiceCidrs?: string[] } = {},
): Promise<Deployed> {
  let stack: RunnersStack | undefined;
  const resources = await withMocks(() => {
    const provider = new k8s.Provider("k8s", {});
    stack = new RunnersStack(
      "runners",
      { config, registrationToken: options.registrationToken ?? pulumi.secret(token), nodePodAndServiceCidrs: options.nodePodAndServiceCidrs },
      { provider },
    );
  });
  if (!stack) throw new Error("deploy: RunnersStack was not created");
  return { resources, workloadRequests: stack.workloadRequests, namespace: await valueOf(stack.namespace) };
}

const find = (d: Deployed, type: string, name: string) => findResource(d.resources, type, name);
const ofType = (d: Deployed, type: string) => resourcesOfType(d.resources, type);
/** Inputs as the API server would get them (secrets unwrapped); for secrecy use the raw `inputs`. */
const inputs = (r: CapturedResource) => unwrapSecrets(r.inputs) as Record<string, any>;
const releaseValues = (d: Deployed) => inputs(find(d, T.release, "runners-release")).values as Record<string, any>;
const jobPod = (d: Deployed) => inputs(find(d, T.job, "runners-registration")).spec.template;

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

  it("reports runner and dind requests per replica (dind with its cache volume), registered as the component's output", () => {
    const expected = [
      { container: "forgejo-runner", resources: config.resources },
      { container: "forgejo-runner-dind", resources: config.dind.resources, volume: config.dind.storageSize },
    ].map(({ container, resources, volume }) => ({
      stack: "runners",
      workload: container,
      replicas: config.replicas,
      cpuMillis: cpuToMillis(resources.requests.cpu),
      memoryMiB: memoryToMiB(resources.requests.memory),
      ...(volume ? { volumeMiB: memoryToMiB(volume) } : {}),
    }));
    expect(d.workloadRequests).toEqual(expected);
    const registered = find(d, "home-platform:runners:RunnersStack", "runners").outputs;
    expect(unwrapSecrets(registered?.workloadRequests)).toEqual(expected);
  });

  it("puts everything in the configured namespace, privileged for docker-in-docker with the reason recorded", () => {
    expect(d.namespace).toBe(config.namespace);
    const ns = inputs(find(d, T.namespace, "runners-namespace")).metadata;
    expect(ns.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    expect(ns.annotations["home-platform.dev/privileged-reason"]).toBe("CI runners: docker-in-docker needs a privileged container");
    for (const r of d.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== T.namespace)) {
      expect([r.name, inputs(r).metadata?.namespace ?? inputs(r).namespace]).toEqual([r.name, config.namespace]);
    }
  });

  it("opens the configured ports to the internet only", () => {
    const policy = inputs(find(d, T.networkPolicy, "runners-allow-internet-egress")).spec;
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
    const secret = find(d, T.secret, "runners-registration-token");
    const stringData = inputs(secret).stringData as Record<string, string>;
    const [key] = Object.keys(stringData);
    expect(stringData[key]).toBe(token);
    expect(isSecretAt(secret.inputs, ["stringData", key])).toBe(true);
  });

  it("appears in no other resource: not in Helm values, the Job, or any other object", () => {
    const others = d.resources.filter((r) => r.name !== "runners-registration-token");
    expect(others.length).toBeGreaterThan(10);
    for (const r of others) expect(JSON.stringify(inputs(r))).not.toContain(token);
    // Nothing in the values is secret at all, so nothing secret can reach Helm's release record.
    expect(containsSecret(find(d, T.release, "runners-release").inputs.values)).toBe(false);
  });

  it("reaches the registration step only through a secretKeyRef to that Secret", () => {
    const secret = inputs(find(d, T.secret, "runners-registration-token"));
    const refs = [...jobPod(d).spec.initContainers, ...jobPod(d).spec.containers]
      .flatMap((c: any) => c.env ?? [])
      .filter((e: any) => e.valueFrom?.secretKeyRef);
    expect(refs).toEqual([
      { name: "REGISTRATION_TOKEN", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: Object.keys(secret.stringData)[0] } } },
    ]);
  });

  it("is marked secret even when the caller passes a plain string", async () => {
    const plain = await deploy(runnersConfig("home"), { registrationToken: token });
    const secret = find(plain, T.secret, "runners-registration-token");
    const keys = Object.keys(inputs(secret).stringData as object);
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
    const credentials = find(d, T.secret, "runners-credentials");
    expect(config.existingSecret).toBe(inputs(credentials).metadata.name);
    // The Job fills `data` after Pulumi created the Secret empty; Pulumi must not undo that.
    expect(credentials.ignoreChanges).toEqual(expect.arrayContaining(["data", "stringData"]));
    const store = jobPod(d).spec.containers[0];
    expect(store.command.slice(store.command.indexOf("secret"), store.command.indexOf("secret") + 2)).toEqual([
      "secret",
      config.existingSecret,
    ]);
  });

  it("grants no cluster-wide rights and only get/patch on the one credentials Secret", () => {
    expect(d.resources.filter((r) => /ClusterRole/.test(r.type))).toEqual([]);
    const roles = ofType(d, T.role);
    expect(roles).toHaveLength(1);
    const existingSecret = releaseValues(d).runner.config.existingSecret;
    for (const rule of inputs(roles[0]).rules) {
      expect(rule.resources).toEqual(["secrets"]);
      expect(rule.resourceNames).toEqual([existingSecret]);
      expect(["get", "patch"]).toEqual(expect.arrayContaining(rule.verbs));
    }
  });

  it("binds that Role to the Job's account only, whose token only the store step sees", () => {
    const binding = inputs(find(d, T.roleBinding, "runners-registration-binding"));
    const role = inputs(ofType(d, T.role)[0]);
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
    const registered = ofType(d, T.serviceAccount).map(inputs).find((r) => r.metadata.name === account.name);
    expect(registered?.automountServiceAccountToken).toBe(false);
  });

  it("leaves the chart's kubectl image alone: its registration Job is never rendered; ours uses the pinned image", () => {
    const values = releaseValues(d);
    expect([values.runner.config.create, values.runner.config.existingSecret]).toEqual([false, "forgejo-runner-credentials"]);
    expect(values).not.toHaveProperty("kubectl");
    expect(JSON.stringify(inputs(find(d, T.job, "runners-registration")))).toContain(`${images.kubectl.repository}:${images.kubectl.tag}`);
  });

  it("installs the pinned chart only after registration, and registers only after RBAC, token and policies exist", () => {
    const release = find(d, T.release, "runners-release");
    expect(inputs(release).version).toBe(charts.forgejoRunner.version);
    expect(release.dependsOn.some((urn) => urn.endsWith(`${T.job}::runners-registration`))).toBe(true);
    const job = find(d, T.job, "runners-registration");
    for (const [type, name] of [
      [T.secret, "runners-registration-token"],
      [T.secret, "runners-credentials"],
      [T.roleBinding, "runners-registration-binding"],
      [T.networkPolicy, "runners-allow-internet-egress"],
      [T.networkPolicy, "runners-allow-registration-apiserver"],
    ]) {
      expect([name, job.dependsOn.some((urn) => urn.endsWith(`${type}::${name}`))]).toEqual([name, true]);
    }
  });
});

describe("network isolation", () => {
  it("admits no ingress and lets only the registration pods reach the API server, on the cluster's networks", async () => {
    const nodePodAndServiceCidrs = ["203.0.113.0/24"];
    const d = await deploy(runnersConfig("home"), { nodePodAndServiceCidrs });
    const policies = ofType(d, T.networkPolicy).map((r) => inputs(r).spec);
    for (const spec of policies) expect(spec.ingress ?? []).toEqual([]);
    const internet = inputs(find(d, T.networkPolicy, "runners-allow-internet-egress")).spec;
    expect(internet.egress[0].to[0].ipBlock.except).toEqual(expect.arrayContaining(nodePodAndServiceCidrs));
    const api = inputs(find(d, T.networkPolicy, "runners-allow-registration-apiserver")).spec;
    expect(jobPod(d).metadata.labels).toMatchObject(api.podSelector.matchLabels);
    expect(api.egress[0].to).toEqual(nodePodAndServiceCidrs.map((cidr) => ({ ipBlock: { cidr } })));
  });
});

describe("resource tree", () => {
  let d: Deployed;
  beforeAll(async () => {
    d = await deploy(runnersConfig("home"));
  });

  it("sends every Kubernetes object through the caller's provider", () => {
    const objects = d.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(objects.length).toBeGreaterThan(10);
    const provider = find(d, "pulumi:providers:kubernetes", "k8s").urn;
    for (const r of objects) expect([r.name, r.provider]).toEqual([r.name, provider]);
  });

  it("names every child after the component and its role, never after a value", () => {
    // Everything but the test's root stack, its provider and the component itself.
    const children = d.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && r.type !== "pulumi:providers:kubernetes" && r.name !== "runners");
    expect(children.length).toBeGreaterThan(10);
    for (const r of children) expect(r.name).toMatch(/^runners-[a-z-]+$/);
    expect(find(d, T.release, "runners-release").parent).toMatch(/home-platform:runners:RunnersStack::runners$/);
  });
});
