import * as YAML from "yaml";
import { type ControlPlane, poll, startControlPlane } from "../helpers/control-plane";
import { installCrds } from "../helpers/crds";
import { type PlanOut, apiServerSettings, planOut } from "../helpers/plan-out";

/**
 * Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager at the stacks'
 * kubernetesVersion): every Kubernetes object `npm run plan -- --out` writes, applied for real
 * with server-side apply, with the API server configured as the plan's Talos machine config
 * configures it (Pod Security defaults and audit policy). The Helm releases are not expanded
 * offline; their rendered objects are covered by the prometheus-operator suite where it matters.
 */

const registration = { namespace: "forgejo-runners", serviceAccount: "forgejo-runner-registration" };

describe.each(["home", "lab"])("Kubernetes control plane: the %s plan applied", (stack) => {
  let plan: PlanOut;
  let cp: ControlPlane;
  let crds: string[];

  beforeAll(async () => {
    plan = await planOut(stack);
    cp = await startControlPlane(apiServerSettings(plan.talosConfig()));
    crds = installCrds(cp);
  }, 10 * 60_000);

  afterAll(async () => {
    await cp?.stop();
    plan?.remove();
  });

  it("reports the pinned Kubernetes version (clients such as pulumi-kubernetes branch on it)", () => {
    const version = JSON.parse(cp.kubectlOk(["version", "-o", "json"])) as { serverVersion: { gitVersion: string; major: string; minor: string } };
    const configured = plan.talosConfig().cluster.apiServer.image as string;
    expect(version.serverVersion).toMatchObject({ gitVersion: configured.slice(configured.lastIndexOf(":") + 1), major: "1" });
    expect(Number(version.serverVersion.minor)).toBeGreaterThanOrEqual(36);
  });

  it("has the CRDs our objects need established: monitoring.coreos.com, TracingPolicy, Gateway API incl. TCPRoute/UDPRoute", () => {
    expect(crds).toEqual(expect.arrayContaining([
      "prometheusrules.monitoring.coreos.com",
      "alertmanagerconfigs.monitoring.coreos.com",
      "alertmanagers.monitoring.coreos.com",
      "tracingpolicies.cilium.io",
      "tcproutes.gateway.networking.k8s.io",
      "udproutes.gateway.networking.k8s.io",
      "backupstoragelocations.velero.io",
      "schedules.velero.io",
      "serviceaccounts.talos.dev",
      "envoyproxies.gateway.envoyproxy.io",
      "ciliumloadbalancerippools.cilium.io",
      "ciliuml2announcementpolicies.cilium.io",
    ]));
  });

  it("accepts every object of the plan with server-side apply (schemas and CEL rules enforced by the API server)", () => {
    expect(plan.objects.length).toBeGreaterThan(20);
    const applied: string[] = [];
    const errors: string[] = [];
    for (const wave of plan.waves()) {
      const result = cp.kubectl(["apply", "--server-side", "--field-manager=pulumi-kubernetes", "-o", "name", "-f", "-"],
        wave.map((object) => YAML.stringify(object)).join("---\n"));
      applied.push(...result.stdout.split("\n").filter((line) => line !== ""));
      errors.push(...result.stderr.split("\n").filter((line) => line.trim() !== ""));
    }
    expect(errors).toEqual([]);
    // `-o name` prints kind.group/name per object; every file of the plan shows up once.
    const expected = plan.objects.map(({ object }) => {
      const group = object.apiVersion.includes("/") ? `.${object.apiVersion.split("/")[0]}` : "";
      return `${object.kind.toLowerCase()}${group}/${object.metadata.name}`;
    });
    expect(applied.sort()).toEqual(expected.sort());
  });

  it("evaluates CEL rules in the CRDs (a TCPRoute without its backend port is refused)", () => {
    // Our own route where the stack has one (home: syslog); the lab stack exposes no syslog
    // listener, so there a minimal route of the same shape shows the API server runs the rules.
    const route = plan.objects.find(({ object }) => object.kind === "TCPRoute")?.object ?? {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "TCPRoute",
      metadata: { name: "route", namespace: "default" },
      spec: { parentRefs: [{ name: "internal", namespace: "network" }], rules: [{ backendRefs: [{ name: "backend", port: 514 }] }] },
    };
    const valid = structuredClone(route);
    valid.metadata.name = "cel-check";
    // Gateway API's x-kubernetes-validations require a port on a Service backendRef.
    const broken = structuredClone(valid);
    delete broken.spec.rules[0].backendRefs[0].port;
    const accepted = cp.kubectl(["apply", "--server-side", "--dry-run=server", "-f", "-"], YAML.stringify(valid));
    expect({ status: accepted.status, stderr: accepted.stderr }).toEqual({ status: 0, stderr: "" });
    const result = cp.kubectl(["apply", "--server-side", "--dry-run=server", "-f", "-"], YAML.stringify(broken));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Must have port for Service reference/);
  });

  it("runs Pod Security as the Talos config sets it (a privileged Pod in an unlabelled namespace is refused)", () => {
    cp.kubectlOk(["create", "namespace", "psa-check"]);
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "privileged", namespace: "psa-check" },
      spec: { containers: [{ name: "c", image: "busybox", securityContext: { privileged: true } }] },
    };
    const result = cp.kubectl(["create", "-f", "-"], YAML.stringify(pod));
    expect(result.stderr).toMatch(/violates PodSecurity "baseline:latest"/);
  });

  it("admits the Pods the controller-manager creates from our Jobs (Pod Security, with no restricted-audit violations)", async () => {
    const jobs = plan.objects.filter(({ object }) => object.kind === "Job").map(({ object }) => object);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      const ns = job.metadata.namespace!;
      // With no scheduler or kubelet the Pod stays Pending; its creation is what admission decides.
      const pods = await poll(60, () => {
        const list = JSON.parse(cp.kubectlOk(["get", "pods", "-n", ns, "-l", `batch.kubernetes.io/job-name=${job.metadata.name}`, "-o", "json"])) as { items: unknown[] };
        return list.items.length > 0 ? list.items : undefined;
      });
      expect({ job: job.metadata.name, pods: pods?.length ?? 0 }).toEqual({ job: job.metadata.name, pods: 1 });
      const creates = cp.auditEvents().filter((event) =>
        event.stage === "ResponseComplete" && event.verb === "create" && event.objectRef?.resource === "pods" &&
        event.objectRef.namespace === ns && event.objectRef.subresource === undefined);
      const mine = creates.filter((event) => event.user?.username === "system:serviceaccount:kube-system:job-controller");
      expect(mine.map((event) => `${event.responseStatus?.code} ${event.responseStatus?.message ?? ""}`.trim())).toEqual(["201"]);
      const annotations = mine[0].annotations ?? {};
      // Pod Security evaluated it (the namespace's enforce level) and the audit level found nothing.
      expect(annotations["pod-security.kubernetes.io/enforce-policy"]).toMatch(/:latest$/);
      expect({ job: job.metadata.name, violations: annotations["pod-security.kubernetes.io/audit-violations"] }).toEqual({ job: job.metadata.name, violations: undefined });
    }
  });

  it("admits the etcd snapshot Pod in its restricted namespace (a Job created from the CronJob, as the schedule would)", async () => {
    const cronJob = plan.objects.find(({ object }) => object.kind === "CronJob" && object.metadata.name === "etcd-snapshot")?.object;
    expect(cronJob).toBeDefined();
    const ns = cronJob!.metadata.namespace!;
    expect(plan.objects.find(({ object }) => object.kind === "Namespace" && object.metadata.name === ns)?.object.metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
    });
    cp.kubectlOk(["create", "job", "-n", ns, "--from=cronjob/etcd-snapshot", "etcd-snapshot-live"]);
    const pods = await poll(60, () => {
      const list = JSON.parse(cp.kubectlOk(["get", "pods", "-n", ns, "-l", "batch.kubernetes.io/job-name=etcd-snapshot-live", "-o", "json"])) as { items: unknown[] };
      return list.items.length > 0 ? list.items : undefined;
    });
    expect(pods?.length ?? 0).toBe(1);
    const created = cp.auditEvents().filter((event) =>
      event.stage === "ResponseComplete" && event.verb === "create" && event.objectRef?.resource === "pods" && event.objectRef.namespace === ns &&
      event.objectRef.subresource === undefined && event.user?.username === "system:serviceaccount:kube-system:job-controller");
    expect(created.map((event) => event.responseStatus?.code)).toEqual([201]);
    expect(created[0].annotations?.["pod-security.kubernetes.io/enforce-policy"]).toBe("restricted:latest");
    expect(created[0].annotations?.["pod-security.kubernetes.io/audit-violations"]).toBeUndefined();
  });

  it("refuses Velero objects that break the pinned CRDs (the check is real)", () => {
    const bsl = plan.objects.find(({ object }) => object.kind === "BackupStorageLocation")?.object;
    expect(bsl?.spec).toMatchObject({ provider: "aws", config: { s3ForcePathStyle: "true" } });
    const broken = structuredClone(bsl!);
    broken.metadata.name = "crd-check";
    broken.spec.accessMode = "WriteOnly";
    const result = cp.kubectl(["apply", "--server-side", "--dry-run=server", "-f", "-"], YAML.stringify(broken));
    expect(result.stderr).toMatch(/accessMode: Unsupported value: "WriteOnly"/);
  });

  describe("RBAC of the runners registration Job's ServiceAccount", () => {
    const as = (sa: string) => [
      `--as=system:serviceaccount:${registration.namespace}:${sa}`,
      "--as-group=system:serviceaccounts",
      `--as-group=system:serviceaccounts:${registration.namespace}`,
      "--as-group=system:authenticated",
    ];
    const canI = (sa: string, ...args: string[]) => cp.kubectl(["auth", "can-i", "-n", registration.namespace, ...as(sa), ...args]).stdout.trim();

    it("can get and patch the credentials Secret, and nothing else of it", () => {
      const sa = registration.serviceAccount;
      expect({
        get: canI(sa, "get", "secret/forgejo-runner-credentials"),
        patch: canI(sa, "patch", "secret/forgejo-runner-credentials"),
        update: canI(sa, "update", "secret/forgejo-runner-credentials"),
        delete: canI(sa, "delete", "secret/forgejo-runner-credentials"),
        readToken: canI(sa, "get", "secret/forgejo-runner-registration"),
        list: canI(sa, "list", "secrets"),
        create: canI(sa, "create", "secrets"),
        pods: canI(sa, "create", "pods"),
        otherNamespace: cp.kubectl(["auth", "can-i", "-n", "monitoring", ...as(sa), "get", "secret/forgejo-runner-credentials"]).stdout.trim(),
      }).toEqual({ get: "yes", patch: "yes", update: "no", delete: "no", readToken: "no", list: "no", create: "no", pods: "no", otherNamespace: "no" });
    });

    it("holds exactly that rule beyond what every ServiceAccount has (compared with the namespace's default ServiceAccount)", () => {
      const rules = (sa: string) => {
        const review = { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: { namespace: registration.namespace } };
        // --validate=false: client-side validation would look up CRDs, which a ServiceAccount may not list.
        const out = JSON.parse(cp.kubectlOk(["create", "--validate=false", "-o", "json", ...as(sa), "-f", "-"], YAML.stringify(review))) as {
          status: { resourceRules: unknown[]; nonResourceRules: unknown[] };
        };
        return out.status;
      };
      const baseline = rules("default");
      const registrationRules = rules(registration.serviceAccount);
      const key = (rule: unknown) => JSON.stringify(rule);
      const extra = registrationRules.resourceRules.filter((rule) => !baseline.resourceRules.map(key).includes(key(rule)));
      expect(extra).toEqual([{ verbs: ["get", "patch"], apiGroups: [""], resources: ["secrets"], resourceNames: ["forgejo-runner-credentials"] }]);
      expect(registrationRules.nonResourceRules.map(key).sort()).toEqual(baseline.nonResourceRules.map(key).sort());
    });

    it("does what the Job's kubectl step does: the merge patch on the credentials Secret succeeds, the same on the token Secret is forbidden", () => {
      const patch = (secret: string) =>
        cp.kubectl(["-n", registration.namespace, ...as(registration.serviceAccount), "patch", "secret", secret, "--type", "merge", "-p", '{"data":{".runner":"e30="}}']);
      const ok = patch("forgejo-runner-credentials");
      expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: "" });
      const denied = patch("forgejo-runner-registration");
      expect(denied.stderr).toMatch(/forbidden/);
    });
  });
});
