import { defaultRuleContext } from "../../policy/rules";
import { loadBalancerAddressesInPools, routesAttachToListeners } from "../../policy/rules/foundations";
import { resource } from "./resources";

const gateway = resource("kubernetes:gateway.networking.k8s.io/v1:Gateway", "gw", {
  metadata: { name: "internal", namespace: "network" },
  spec: {
    listeners: [
      { name: "syslog-tcp", protocol: "TCP", port: 514 },
      { name: "syslog-udp", protocol: "UDP", port: 514 },
      { name: "http", protocol: "HTTP", port: 80, hostname: "internal.example" },
    ],
  },
});
const route = (kind: string, sectionName: string | undefined, gatewayName = "internal") =>
  resource(`kubernetes:gateway.networking.k8s.io/v1:${kind}`, `${kind}-${sectionName}`, {
    metadata: { name: `r-${sectionName}`, namespace: "logging" },
    spec: { parentRefs: [{ name: gatewayName, namespace: "network", ...(sectionName ? { sectionName } : {}) }] },
  });

describe("routes-attach-to-listeners", () => {
  const run = (resources: ReturnType<typeof resource>[]) => routesAttachToListeners.check(resources, defaultRuleContext).map((v) => v.message);

  it("accepts routes on listeners of their protocol", () => {
    expect(run([gateway, route("TCPRoute", "syslog-tcp"), route("UDPRoute", "syslog-udp"), route("HTTPRoute", "http")])).toEqual([]);
  });

  it("reports a missing listener, a protocol mismatch and a missing sectionName", () => {
    expect(run([gateway, route("TCPRoute", "syslog"), route("UDPRoute", "syslog-tcp"), route("HTTPRoute", undefined)])).toEqual([
      "TCPRoute logging/r-syslog names listener syslog, which Gateway network/internal does not have",
      "UDPRoute logging/r-syslog-tcp attaches to TCP listener syslog-tcp",
      "HTTPRoute logging/r-undefined attaches to Gateway network/internal without a sectionName",
    ]);
  });

  it("does not judge routes to a Gateway the stack does not create (the operator's own)", () => {
    expect(run([route("TCPRoute", "anything", "theirs")])).toEqual([]);
  });
});

describe("load-balancer-addresses-in-pools", () => {
  const pool = resource("kubernetes:cilium.io/v2:CiliumLoadBalancerIPPool", "pool", {
    metadata: { name: "home" },
    spec: { blocks: [{ start: "192.168.35.15", stop: "192.168.35.19" }, { cidr: "192.168.35.32/30" }] },
  });
  const service = (name: string, address: string) =>
    resource("kubernetes:core/v1:Service", name, { metadata: { name, annotations: { "lbipam.cilium.io/ips": address } }, spec: { type: "LoadBalancer" } });
  const proxy = (address: string) =>
    resource("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy", "proxy", {
      metadata: { name: "p" },
      spec: { provider: { type: "Kubernetes", kubernetes: { envoyService: { annotations: { "lbipam.cilium.io/ips": address } } } } },
    });
  const run = (resources: ReturnType<typeof resource>[]) => loadBalancerAddressesInPools.check(resources, defaultRuleContext).map((v) => v.message);

  it("accepts addresses in a range or a CIDR block", () => {
    expect(run([pool, service("a", "192.168.35.19"), service("b", "192.168.35.35"), proxy("192.168.35.15")])).toEqual([]);
  });

  it("reports addresses outside every pool, for Services and EnvoyProxies", () => {
    expect(run([pool, service("a", "192.168.35.20"), proxy("192.168.35.36")])).toEqual([
      "a asks for 192.168.35.20, which is in no CiliumLoadBalancerIPPool of this stack",
      "proxy asks for 192.168.35.36, which is in no CiliumLoadBalancerIPPool of this stack",
    ]);
  });

  it("does not judge a stack without pools (another load balancer hands out addresses)", () => {
    expect(run([service("a", "10.0.0.1")])).toEqual([]);
  });
});
