import { ipv4ToNumber } from "../../../config/schema/foundations";
import { unwrapSecrets, runStackPlan, type CapturedResource, type PlanResult } from "../../helpers";

/**
 * Issue 13's acceptance on the whole program (the same engine as `npm run plan`): every route has a
 * listener, every LoadBalancer address a pool, every volume a StorageClass that exists, every
 * NetworkPolicy an enforcing CNI, and the order in which one `pulumi up` can finish.
 */

type Plain = Record<string, any>;
const COMMAND = "command:local:Command";
const RELEASE = "kubernetes:helm.sh/v3:Release";

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  plans.home = await runStackPlan("home");
  plans.lab = await runStackPlan("lab");
  plans.off = await runStackPlan("home", {
    "home-platform:foundations": { cni: { enabled: false }, loadBalancer: { enabled: false }, storage: { enabled: false } },
  });
}, 120_000);

const inputs = (r: CapturedResource) => unwrapSecrets(r.inputs) as Plain;
const byType = (plan: PlanResult, suffix: string) => plan.resources.filter((r) => r.type.endsWith(suffix));
const one = (plan: PlanResult, type: string, name: string) => {
  const found = plan.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
};
const release = (plan: PlanResult, name: string) => plan.resources.find((r) => r.type === RELEASE && inputs(r).name === name);
/** Everything `resource` waits for, directly or through other resources and its ancestors. */
function waitsFor(plan: PlanResult, resource: CapturedResource, target: CapturedResource): boolean {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const seen = new Set<string>();
  const queue = [resource.urn];
  while (queue.length > 0) {
    const urn = queue.pop()!;
    if (urn === target.urn) return true;
    if (seen.has(urn)) continue;
    seen.add(urn);
    const r = byUrn.get(urn);
    if (!r) continue;
    queue.push(...r.dependsOn);
    if (r.parent) queue.push(r.parent);
  }
  return false;
}

describe.each(["home", "lab"])("%s", (stack) => {
  const plan = () => plans[stack];

  test("order: bootstrap → API ready → Cilium → health → storage and Gateway → stacks", () => {
    const p = plan();
    const apiReady = one(p, COMMAND, "cluster-api-ready");
    const health = one(p, COMMAND, "cluster-health");
    const provider = one(p, "pulumi:providers:kubernetes", "cluster-kubernetes");
    const cilium = release(p, "cilium")!;
    expect(provider.dependsOn).toContain(apiReady.urn);
    expect(waitsFor(p, provider, health)).toBe(false); // the CNI cannot wait for Ready nodes
    expect(waitsFor(p, apiReady, one(p, COMMAND, "cluster-bootstrap"))).toBe(true);
    expect(health.dependsOn).toContain(cilium.urn);
    for (const name of ["openebs-localpv", "envoy-gateway"]) expect(waitsFor(p, release(p, name)!, health)).toBe(true);
    for (const name of ["kps", "vls", "tetragon"]) expect(waitsFor(p, release(p, name)!, release(p, "envoy-gateway")!)).toBe(true);
    for (const name of ["kps", "vls"]) expect(waitsFor(p, release(p, name)!, release(p, "openebs-localpv")!)).toBe(true);
  });

  test("machine configs: no Talos CNI or kube-proxy, and the kubelet sees the hostpath base", () => {
    const configs = one(plan(), "home-platform:cluster:TalosCluster", "cluster").outputs!.machineConfigs as Plain;
    for (const documents of Object.values(unwrapSecrets(configs) as Record<string, Plain[]>)) {
      const v1 = documents[0];
      expect(v1.cluster.network.cni).toEqual({ name: "none" });
      expect(v1.cluster.proxy.disabled).toBe(true);
      expect(v1.machine.kubelet.extraMounts).toEqual([
        { destination: "/var/openebs/local", type: "bind", source: "/var/openebs/local", options: ["bind", "rshared", "rw"] },
      ]);
    }
  });

  test("every route attaches to a listener of its protocol that admits its namespace", () => {
    const p = plan();
    const gateways = byType(p, ":Gateway").map(inputs);
    const namespaces = byType(p, "core/v1:Namespace").map(inputs);
    const routes = [...byType(p, ":TCPRoute"), ...byType(p, ":UDPRoute"), ...byType(p, ":HTTPRoute")].map(inputs);
    const protocolOf: Record<string, string[]> = { TCPRoute: ["TCP"], UDPRoute: ["UDP"], HTTPRoute: ["HTTP", "HTTPS"] };
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      for (const ref of route.spec.parentRefs) {
        const gateway = gateways.find((g) => g.metadata.name === ref.name && g.metadata.namespace === ref.namespace);
        expect(gateway).toBeDefined();
        const listener = gateway!.spec.listeners.find((l: Plain) => l.name === ref.sectionName);
        expect({ route: route.metadata.name, listener: listener?.name }).toEqual({ route: route.metadata.name, listener: ref.sectionName });
        expect(protocolOf[route.kind]).toContain(listener.protocol);
        if (route.hostnames) expect(route.hostnames).toContain(listener.hostname);
        const routeNamespace = namespaces.find((n) => n.metadata.name === route.metadata.namespace)!;
        for (const [key, value] of Object.entries(listener.allowedRoutes.namespaces.selector.matchLabels)) {
          expect(routeNamespace.metadata.labels[key]).toBe(value);
        }
      }
    }
  });

  test("every LoadBalancer address is in a pool the program creates", () => {
    const p = plan();
    const pools = byType(p, ":CiliumLoadBalancerIPPool").map(inputs);
    const inPool = (address: string) =>
      pools.some((pool) =>
        pool.spec.blocks.some((block: Plain) =>
          block.start ? ipv4ToNumber(address) >= ipv4ToNumber(block.start) && ipv4ToNumber(address) <= ipv4ToNumber(block.stop) : false,
        ),
      );
    const services = byType(p, "core/v1:Service").map(inputs).filter((s) => s.spec?.type === "LoadBalancer");
    const proxies = byType(p, ":EnvoyProxy").map((r) => inputs(r).spec.provider.kubernetes.envoyService);
    const wanted = [...services.map((s) => s.metadata.annotations), ...proxies.map((s) => s.annotations)].map((a) => a["lbipam.cilium.io/ips"]);
    expect(wanted.length).toBe(stack === "lab" ? 2 : 1);
    for (const address of wanted) expect(inPool(address)).toBe(true);
  });

  test("volumes name the StorageClass the LocalPV release creates, and it is the default", () => {
    const p = plan();
    const localpv = inputs(release(p, "openebs-localpv")!).values;
    expect(localpv.hostpathClass).toMatchObject({ name: "openebs-hostpath", isDefaultClass: true, reclaimPolicy: "Retain" });
    const kps = inputs(release(p, "kps")!).values;
    expect(kps.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBe("openebs-hostpath");
  });

  test("the NetworkPolicies have an enforcing CNI that also matches node addresses by CIDR", () => {
    const values = inputs(release(plan(), "cilium")!).values;
    expect(values.policyCIDRMatchMode).toEqual(["nodes"]);
    expect(values.kubeProxyReplacement).toBe(true);
    expect(values.operator.replicas).toBe(stack === "lab" ? 1 : 2);
  });
});

describe("every foundation turned off", () => {
  test("Talos keeps its own CNI, health runs before the provider, and nothing of the layer is created", () => {
    // (The override replaces the whole section, so foundations.gateway is absent too.)
    const p = plans.off;
    const v1 = (unwrapSecrets(one(p, "home-platform:cluster:TalosCluster", "cluster").outputs!.machineConfigs) as Record<string, Plain[]>)["talos-cp-01"][0];
    expect(v1.cluster.network.cni).toBeUndefined();
    expect(v1.cluster.proxy.disabled).toBeUndefined();
    expect(v1.machine.kubelet.extraMounts).toBeUndefined();
    expect(one(p, "pulumi:providers:kubernetes", "cluster-kubernetes").dependsOn).toContain(one(p, COMMAND, "cluster-health").urn);
    expect(p.resources.some((r) => r.name === "cluster-api-ready")).toBe(false);
    for (const name of ["cilium", "openebs-localpv", "envoy-gateway"]) expect(release(p, name)).toBeUndefined();
    expect(byType(p, ":CiliumLoadBalancerIPPool")).toEqual([]);
    expect(byType(p, ":Gateway")).toEqual([]);
    // The syslog routes then attach to the operator's own Gateway, named in the syslog config.
    expect(byType(p, ":TCPRoute").map((r) => inputs(r).spec.parentRefs[0].name)).toEqual(["internal"]);
    // No StorageClass is named: the cluster's own default applies.
    expect(inputs(release(p, "kps")!).values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBeUndefined();
  });
});
