import * as YAML from "yaml";
import { type ControlPlane, startControlPlane } from "../helpers/control-plane";
import { installCrds } from "../helpers/crds";
import { type KubeObject, type PlanOut, apiServerSettings, planOut } from "../helpers/plan-out";

/**
 * Issue 13 against a real API server: the foundation objects of each plan, applied and read back
 * as the API server stores them (after its defaulting), still fit together: every route names a
 * listener of its protocol that admits its namespace (as the stored namespace's labels say), and
 * every address a LoadBalancer asks for lies in a stored pool. No Envoy Gateway or Cilium runs
 * here, so attachment is judged from the stored objects, the same rules the controllers apply.
 */

type Plain = Record<string, any>;

describe.each(["home", "lab"])("foundations of the %s plan on a real API server", (stack) => {
  let plan: PlanOut;
  let cp: ControlPlane;
  const get = (resource: string): Plain[] => (JSON.parse(cp.kubectlOk(["get", resource, "-A", "-o", "json"])) as { items: Plain[] }).items;

  beforeAll(async () => {
    plan = await planOut(stack);
    cp = await startControlPlane(apiServerSettings(plan.talosConfig()));
    installCrds(cp);
    for (const wave of plan.waves()) {
      cp.kubectlOk(["apply", "--server-side", "--field-manager=pulumi-kubernetes", "-f", "-"], wave.map((object: KubeObject) => YAML.stringify(object)).join("---\n"));
    }
  }, 10 * 60_000);

  afterAll(async () => {
    await cp?.stop();
    plan?.remove();
  });

  it("stores every foundation object kind", () => {
    const kinds = new Set(plan.objects.map(({ object }) => object.kind));
    for (const kind of ["CiliumLoadBalancerIPPool", "CiliumL2AnnouncementPolicy", "GatewayClass", "Gateway", "EnvoyProxy", "HTTPRoute"]) expect(kinds).toContain(kind);
    expect(get("ciliumloadbalancerippools.cilium.io").length).toBeGreaterThan(0);
    expect(get("gateways.gateway.networking.k8s.io").length).toBe(1);
  });

  it("every stored route attaches to a stored listener of its protocol that admits the route's namespace", () => {
    const gateways = get("gateways.gateway.networking.k8s.io");
    const namespaces = new Map(get("namespaces").map((ns) => [ns.metadata.name, ns.metadata.labels ?? {}]));
    const routes = ["tcproutes", "udproutes", "httproutes"].flatMap((r) => get(`${r}.gateway.networking.k8s.io`));
    const protocols: Record<string, string[]> = { TCPRoute: ["TCP"], UDPRoute: ["UDP"], HTTPRoute: ["HTTP", "HTTPS"] };
    expect(routes.length).toBeGreaterThan(0);
    const attached: string[] = [];
    for (const route of routes) {
      for (const ref of route.spec.parentRefs) {
        // Defaulted by the API server: group gateway.networking.k8s.io, kind Gateway.
        expect({ group: ref.group, kind: ref.kind }).toEqual({ group: "gateway.networking.k8s.io", kind: "Gateway" });
        const gateway = gateways.find((g) => g.metadata.name === ref.name && g.metadata.namespace === (ref.namespace ?? route.metadata.namespace));
        expect(gateway).toBeDefined();
        const listener = gateway!.spec.listeners.find((l: Plain) => l.name === ref.sectionName);
        expect(listener).toBeDefined();
        expect(protocols[route.kind]).toContain(listener.protocol);
        if (route.spec.hostnames) expect(route.spec.hostnames).toContain(listener.hostname);
        const labels = namespaces.get(route.metadata.namespace) ?? {};
        const allowed = listener.allowedRoutes.namespaces;
        expect(allowed.from).toBe("Selector");
        for (const [key, value] of Object.entries(allowed.selector.matchLabels as Record<string, string>)) expect(labels[key]).toBe(value);
        attached.push(`${route.kind}/${route.metadata.name}→${ref.sectionName}`);
      }
    }
    expect(attached).toContain("HTTPRoute/grafana→http");
    if (stack === "home") expect(attached).toEqual(expect.arrayContaining(["TCPRoute/syslog-tcp→syslog-tcp", "UDPRoute/syslog-udp→syslog-udp"]));
  });

  it("every address a LoadBalancer Service or the EnvoyProxy asks for is in a stored pool", () => {
    const n = (a: string) => a.split(".").reduce((v, o) => v * 256 + Number(o), 0);
    const blocks = get("ciliumloadbalancerippools.cilium.io").flatMap((p) => p.spec.blocks as Plain[]);
    const wanted = [
      ...get("services").filter((s) => s.spec.type === "LoadBalancer").map((s) => s.metadata.annotations["lbipam.cilium.io/ips"]),
      ...get("envoyproxies.gateway.envoyproxy.io").map((p) => p.spec.provider.kubernetes.envoyService.annotations["lbipam.cilium.io/ips"]),
    ];
    expect(wanted.length).toBe(stack === "lab" ? 2 : 1);
    for (const address of wanted) expect(blocks.some((b) => n(address) >= n(b.start) && n(address) <= n(b.stop))).toBe(true);
  });

  it("runs the Gateway CRD's CEL rules our listeners rely on (a hostname on the TCP listener is refused)", () => {
    const gateway = plan.objects.find(({ object }) => object.kind === "Gateway")!.object;
    const broken = structuredClone(gateway);
    broken.spec.listeners.find((l: Plain) => l.protocol === "TCP").hostname = "syslog.example";
    const result = cp.kubectl(["apply", "--server-side", "--dry-run=server", "-f", "-"], YAML.stringify(broken));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/hostname/i);
  });
});
