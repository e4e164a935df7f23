import { syslogServiceName, victoriaLogsPodLabels } from "../../../../stacks/observability/logging/names";
import {
  syslogEndpoint,
  syslogRoutes,
  syslogServiceSpec,
  type GatewayExposure,
  type SyslogExposure,
} from "../../../../stacks/observability/logging/syslog";
import { crdErrors } from "../../../helpers/crd-schema";
import { stackConfig } from "../../../helpers/stack-config";

const homeSyslog = stackConfig("home").observability.victoriaLogs.syslog;
const labSyslog = stackConfig("lab").observability.victoriaLogs.syslog;

function gateway(exposure: SyslogExposure): GatewayExposure {
  if (exposure.type !== "gateway") throw new Error("home is expected to use a Gateway");
  return exposure;
}

/** The CRD file each route API version is checked against. */
const crdFiles = {
  v1: (kind: string) => `gateway.networking.k8s.io_${kind.toLowerCase()}s-v1.6.1.yaml`,
  v1alpha2: (kind: string) => `gateway.networking.k8s.io_${kind.toLowerCase()}s-v1.5.1-experimental.yaml`,
} as const;

const withNamespace = <T extends { metadata: object }>(object: T) => ({ ...object, metadata: { ...object.metadata, namespace: "logging" } });

describe("Gateway routes", () => {
  const home = gateway(homeSyslog);

  test("one TCPRoute and one UDPRoute, each on its own listener of the configured Gateway", () => {
    const routes = syslogRoutes(home);
    expect(routes.map((route) => route.kind).sort()).toEqual(["TCPRoute", "UDPRoute"]);
    const parentOf = (kind: string) => routes.find((route) => route.kind === kind)?.spec.parentRefs;
    expect(parentOf("TCPRoute")).toEqual([expect.objectContaining({ name: home.gatewayName, namespace: home.gatewayNamespace, sectionName: home.tcpListener })]);
    expect(parentOf("UDPRoute")).toEqual([expect.objectContaining({ name: home.gatewayName, namespace: home.gatewayNamespace, sectionName: home.udpListener })]);
  });

  test("both send to the syslog Service on 514, which the Service carries for the matching protocol", () => {
    const service = syslogServiceSpec(home);
    for (const route of syslogRoutes(home)) {
      const protocol = route.kind === "TCPRoute" ? "TCP" : "UDP";
      const [backend] = route.spec.rules.flatMap((rule) => rule.backendRefs);
      expect(backend).toEqual({ name: syslogServiceName, port: 514 });
      expect(service.spec.ports).toContainEqual(expect.objectContaining({ protocol, port: backend.port }));
    }
    expect(service.metadata.name).toBe(syslogServiceName);
  });

  test.each(["v1", "v1alpha2"] as const)("routeApiVersion %s sets the apiVersion and matches that release's CRD schema", (version) => {
    const routes = syslogRoutes({ ...home, routeApiVersion: version });
    for (const route of routes) {
      expect(route.apiVersion).toBe(`gateway.networking.k8s.io/${version}`);
      expect(crdErrors(withNamespace(route), crdFiles[version](route.kind))).toEqual([]);
    }
  });

  test("the versions are not interchangeable: v1alpha2 is not served by the 1.6 standard CRDs, v1 unknown to 1.5", () => {
    const [alpha] = syslogRoutes({ ...home, routeApiVersion: "v1alpha2" });
    const [ga] = syslogRoutes({ ...home, routeApiVersion: "v1" });
    expect(crdErrors(withNamespace(alpha), crdFiles.v1(alpha.kind))).toEqual([expect.stringContaining("not served")]);
    expect(crdErrors(withNamespace(ga), crdFiles.v1alpha2(ga.kind))).toEqual([expect.stringContaining("not defined")]);
  });

  test("the CRD check catches a broken route (so the checks above can fail)", () => {
    const [route] = syslogRoutes(home);
    const broken = { ...withNamespace(route), spec: { ...route.spec, rules: [{ backendRefs: [{ name: syslogServiceName, port: 70000 }] }, { backendRefs: [] }] } };
    expect(crdErrors(broken, crdFiles.v1(route.kind)).length).toBeGreaterThan(0);
  });

  test("behind a Gateway the Service stays ClusterIP and selects the VictoriaLogs pods", () => {
    const service = syslogServiceSpec(home);
    expect(service.spec.type).toBe("ClusterIP");
    expect(service.spec.selector).toEqual(victoriaLogsPodLabels);
  });

  test("the endpoint is the Gateway's address, TCP and UDP 514", () => {
    expect(syslogEndpoint(home)).toEqual({
      host: home.address,
      via: "gateway",
      ports: [
        { port: 514, protocol: "TCP" },
        { port: 514, protocol: "UDP" },
      ],
    });
  });
});

describe("LoadBalancer (lab)", () => {
  test("a LoadBalancer Service on the configured address, TCP and UDP 514 only", () => {
    const service = syslogServiceSpec(labSyslog);
    expect(service.spec.type).toBe("LoadBalancer");
    expect(service.spec).toMatchObject({ loadBalancerIP: labSyslog.address });
    expect(service.metadata).toMatchObject({
      annotations: { "lbipam.cilium.io/ips": labSyslog.address, "metallb.io/loadBalancerIPs": labSyslog.address },
    });
    expect(service.spec.ports.map(({ protocol, port }) => `${protocol}/${port}`).sort()).toEqual(["TCP/514", "UDP/514"]);
  });

  test("keeps client source addresses (externalTrafficPolicy Local)", () => {
    expect(syslogServiceSpec(labSyslog).spec).toMatchObject({ externalTrafficPolicy: "Local" });
  });

  test("no routes and an endpoint that says loadBalancer", () => {
    expect(syslogEndpoint(labSyslog)).toMatchObject({ host: labSyslog.address, via: "loadBalancer" });
    expect(syslogEndpoint(labSyslog).ports.map(({ protocol }) => protocol)).toEqual(["TCP", "UDP"]);
  });
});
