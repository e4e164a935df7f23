import * as path from "node:path";
import { parseStackConfig } from "../../../config/parse";
import type { PlatformConfig } from "../../../config/schema";
import { readStackConfigFile } from "../../../config/stack-file";
import { ciliumValues } from "../../../stacks/foundations/cilium-values";
import { envoyProxy, gatewayClass, gatewayObject } from "../../../stacks/foundations/gateway-objects";
import { ipPools, l2AnnouncementPolicy } from "../../../stacks/foundations/load-balancer";
import { localPvValues } from "../../../stacks/foundations/storage-values";
import { grafanaRoute } from "../../../stacks/observability/metrics/grafana-route";
import { charts } from "../../../versions";
import { chartDefaults, chartDirFor, undeclaredValueKeys } from "../../helpers/chart-values";
import { crdErrors } from "../../helpers/crd-schema";

/**
 * The foundations' Helm values against each pinned chart's values.yaml, and their objects against
 * the pinned CRDs (Cilium v1.19.4, whose LB-IPAM/L2 schemas equal 1.20's; Envoy Gateway v1.9.0 with
 * the experimental Gateway API v1.6.1 channel its chart installs).
 */

const root = path.resolve(__dirname, "../../..");
const load = (stack: string): PlatformConfig => parseStackConfig("home-platform", readStackConfigFile(path.join(root, `Pulumi.${stack}.yaml`)));
const stacks = { home: load("home"), lab: load("lab") };
const withTls = (config: PlatformConfig): PlatformConfig => ({
  ...config,
  foundations: { ...config.foundations, gateway: { ...config.foundations.gateway!, tlsSecretName: "internal-tls" } },
});

const gatewayApi = (kind: string) => `envoy-gateway-v1.9.0/gateway-api-v1.6.1-experimental/gateway.networking.k8s.io_${kind}.yaml`;

describe.each(Object.entries(stacks))("values for %s use only keys the pinned charts declare", (_name, config) => {
  test("cilium", () => {
    const values = ciliumValues({ config: config.foundations, nodeCount: config.cluster.nodes.length, kubePrismPort: 7445 });
    expect(undeclaredValueKeys(values, chartDefaults(chartDirFor(charts.cilium)))).toEqual([]);
  });
  test("localpv-provisioner", () => {
    expect(undeclaredValueKeys(localPvValues(config.foundations.storage), chartDefaults(chartDirFor(charts.localpvProvisioner)))).toEqual([]);
  });
  test("gateway-helm", () => {
    const values = { topologyInjector: { enabled: false }, deployment: { envoyGateway: { resources: { requests: { cpu: "1", memory: "1Mi" } } } } };
    expect(undeclaredValueKeys(values, chartDefaults(chartDirFor(charts.envoyGateway)))).toEqual([]);
  });
});

test("the key checker flags a key the Cilium chart does not have (l2announcements.leaseDuration is only a comment there)", () => {
  const values = { l2announcements: { enabled: true, leaseDuration: "15s" } };
  expect(undeclaredValueKeys(values, chartDefaults(chartDirFor(charts.cilium)))).toEqual(["l2announcements.leaseDuration"]);
});

describe.each(Object.entries({ ...stacks, "home with TLS": withTls(stacks.home) }))("objects for %s match the pinned CRDs", (_name, config) => {
  const foundations = config.foundations;
  const gateway = foundations.gateway!;

  test("CiliumLoadBalancerIPPool and CiliumL2AnnouncementPolicy", () => {
    for (const pool of ipPools(foundations)) expect(crdErrors(pool, "cilium-1.19.4/ciliumloadbalancerippools.yaml")).toEqual([]);
    expect(crdErrors(l2AnnouncementPolicy(foundations), "cilium-1.19.4/ciliuml2announcementpolicies.yaml")).toEqual([]);
  });

  test("EnvoyProxy, GatewayClass and Gateway", () => {
    expect(crdErrors(envoyProxy(gateway), "envoy-gateway-v1.9.0/envoy-gateway/gateway.envoyproxy.io_envoyproxies.yaml")).toEqual([]);
    expect(crdErrors(gatewayClass(), gatewayApi("gatewayclasses"))).toEqual([]);
    expect(crdErrors(gatewayObject(gateway), gatewayApi("gateways"))).toEqual([]);
  });

  test("the Gateway CRD's CEL rules this schema check cannot run: no hostname on TCP/UDP listeners, distinct name+port+protocol", () => {
    const listeners = gatewayObject(gateway).spec.listeners;
    for (const listener of listeners.filter((l) => l.protocol === "TCP" || l.protocol === "UDP")) expect(listener.hostname).toBeUndefined();
    const keys = listeners.map((l) => `${l.port}/${l.protocol}/${l.hostname ?? ""}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(listeners.map((l) => l.name)).size).toBe(listeners.length);
    for (const listener of listeners.filter((l) => l.protocol === "HTTPS")) expect(listener.tls?.certificateRefs.length).toBe(1);
  });

  test("Grafana's HTTPRoute", () => {
    const route = grafanaRoute({ name: gateway.name, namespace: gateway.namespace, hostname: gateway.hostname!, sectionNames: ["http"], https: false }, "monitoring");
    expect(crdErrors(route, gatewayApi("httproutes"))).toEqual([]);
  });
});

test("the CRD check rejects what the API server would not accept, so the tests above can fail", () => {
  const pool = ipPools(stacks.home.foundations)[0];
  expect(crdErrors({ ...pool, spec: { cidrs: [{ cidr: "192.168.35.16/28" }] } }, "cilium-1.19.4/ciliumloadbalancerippools.yaml")).not.toEqual([]);
});
