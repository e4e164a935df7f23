import { networkPolicySpec } from "../../../stacks/building-blocks/network-policy";
import { containerPort, envoyGatewayPolicies, openebsPolicies } from "../../../stacks/foundations/network-policies";
import { gatewayListenerSpecs } from "../../../stacks/foundations/gateway-objects";

const gateway = { enabled: true, name: "internal", namespace: "network", address: "192.168.35.15", hostname: "internal.example" } as const;
const apiCidrs = ["192.168.35.0/24", "10.244.0.0/16", "10.96.0.0/12"];

describe("Envoy Gateway flows", () => {
  test("the proxies accept the LAN on the container ports Envoy Gateway shifts listeners below 1024 to", () => {
    const proxy = envoyGatewayPolicies({ ...gateway, tlsSecretName: "internal-tls" }, apiCidrs).find((p) => p.name === "proxy-internal")!;
    expect(proxy.podSelector).toEqual({
      "gateway.envoyproxy.io/owning-gateway-name": "internal",
      "gateway.envoyproxy.io/owning-gateway-namespace": "network",
    });
    expect(proxy.ingress![0].ports).toEqual([
      { port: 10514, protocol: "TCP" },
      { port: 10514, protocol: "UDP" },
      { port: 10080, protocol: "TCP" },
      { port: 10443, protocol: "TCP" },
    ]);
    // One port per listener, so a listener added later cannot be forgotten here.
    expect(proxy.ingress![0].ports).toHaveLength(gatewayListenerSpecs({ ...gateway, tlsSecretName: "internal-tls" }).length);
    expect(containerPort(1024)).toBe(1024);
  });

  test("the controller takes xDS from the proxies only and reaches the API server on 443 and 6443", () => {
    const controller = networkPolicySpec(envoyGatewayPolicies(gateway, apiCidrs).find((p) => p.name === "controller")!);
    expect(controller.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { "app.kubernetes.io/managed-by": "envoy-gateway" } } }], ports: [{ port: 18000, protocol: "TCP" }] },
    ]);
    expect(controller.egress![0].to).toEqual(apiCidrs.map((cidr) => ({ ipBlock: { cidr } })));
    expect(controller.egress![0].ports).toEqual([{ port: 443, protocol: "TCP" }, { port: 6443, protocol: "TCP" }]);
  });

  test("without a Gateway only the controller and certgen have flows", () => {
    expect(envoyGatewayPolicies(undefined, apiCidrs).map((p) => p.name)).toEqual(["controller", "certgen"]);
  });
});

test("the LocalPV provisioner only talks to the API server", () => {
  const [provisioner] = openebsPolicies(apiCidrs);
  expect(provisioner.ingress).toBeUndefined();
  expect(networkPolicySpec(provisioner).policyTypes).toEqual(["Egress"]);
});
