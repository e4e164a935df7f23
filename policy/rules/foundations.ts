import { metadataMap, metadataString } from "./kubernetes";
import { isRecord, resourceLabel, type PolicyResource, type StackRule, type Violation } from "./types";

/**
 * Rules for what the foundations layer promises the stacks (issue 13): routes have listeners,
 * LoadBalancer addresses come from a pool. Both look only at what the stack itself creates: a
 * Gateway or a pool the operator brings (foundation turned off) is outside the plan, so routes to
 * it and addresses without a pool are then not judged.
 */

const gatewayApi = "kubernetes:gateway.networking.k8s.io/";
const isKind = (resource: PolicyResource, kind: string) => resource.type.startsWith(gatewayApi) && resource.type.endsWith(`:${kind}`);
const routeProtocols: Record<string, readonly string[]> = { TCPRoute: ["TCP"], UDPRoute: ["UDP"], HTTPRoute: ["HTTP", "HTTPS"] };

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/**
 * `routes-attach-to-listeners` (mandatory, stack-wide): a route whose parent is a Gateway of this
 * stack names one of its listeners (sectionName), of a protocol the route kind can use.
 */
export const routesAttachToListeners: StackRule = {
  kind: "stack",
  name: "routes-attach-to-listeners",
  description: "Every TCPRoute, UDPRoute and HTTPRoute attached to a Gateway of this stack names an existing listener of a matching protocol.",
  enforcement: "mandatory",
  check(resources: readonly PolicyResource[]): Violation[] {
    const gateways = new Map(
      resources
        .filter((r) => isKind(r, "Gateway"))
        .map((r) => [`${metadataString(r, "namespace")}/${metadataString(r, "name")}`, records(isRecord(r.inputs.spec) ? r.inputs.spec.listeners : undefined)]),
    );
    const violations: Violation[] = [];
    for (const route of resources) {
      const kind = Object.keys(routeProtocols).find((k) => isKind(route, k));
      if (!kind || !isRecord(route.inputs.spec)) continue;
      for (const ref of records(route.inputs.spec.parentRefs)) {
        if (ref.kind !== undefined && ref.kind !== "Gateway") continue;
        const namespace = typeof ref.namespace === "string" ? ref.namespace : metadataString(route, "namespace");
        const listeners = gateways.get(`${namespace}/${String(ref.name)}`);
        if (!listeners) continue; // not a Gateway of this stack
        const listener = listeners.find((l) => l.name === ref.sectionName);
        const where = `${kind} ${metadataString(route, "namespace")}/${metadataString(route, "name")}`;
        if (ref.sectionName === undefined) {
          violations.push({ resource: resourceLabel(route), message: `${where} attaches to Gateway ${namespace}/${String(ref.name)} without a sectionName` });
        } else if (!listener) {
          violations.push({ resource: resourceLabel(route), message: `${where} names listener ${String(ref.sectionName)}, which Gateway ${namespace}/${String(ref.name)} does not have` });
        } else if (!routeProtocols[kind].includes(String(listener.protocol))) {
          violations.push({ resource: resourceLabel(route), message: `${where} attaches to ${String(listener.protocol)} listener ${String(ref.sectionName)}` });
        }
      }
    }
    return violations;
  },
};

function addressNumber(address: string): number {
  return address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

function blockContains(block: Record<string, unknown>, address: string): boolean {
  const value = addressNumber(address);
  if (typeof block.start === "string" && typeof block.stop === "string") return value >= addressNumber(block.start) && value <= addressNumber(block.stop);
  if (typeof block.cidr !== "string") return false;
  const [network, prefix] = block.cidr.split("/");
  const size = 2 ** (32 - Number(prefix));
  const first = Math.floor(addressNumber(network) / size) * size;
  return value >= first && value < first + size;
}

/**
 * `load-balancer-addresses-in-pools` (mandatory, stack-wide): when the stack creates Cilium LB-IPAM
 * pools, every address a LoadBalancer Service or EnvoyProxy asks for (`lbipam.cilium.io/ips`) lies
 * in one of them; otherwise the Service waits for an address forever.
 */
export const loadBalancerAddressesInPools: StackRule = {
  kind: "stack",
  name: "load-balancer-addresses-in-pools",
  description: "With Cilium LB-IPAM pools in the stack, every requested LoadBalancer address (lbipam.cilium.io/ips) lies in one of them.",
  enforcement: "mandatory",
  check(resources: readonly PolicyResource[]): Violation[] {
    const blocks = resources
      .filter((r) => r.type.startsWith("kubernetes:cilium.io/") && r.type.endsWith(":CiliumLoadBalancerIPPool"))
      .flatMap((r) => records(isRecord(r.inputs.spec) ? r.inputs.spec.blocks : undefined));
    if (blocks.length === 0) return [];
    const requests: { resource: PolicyResource; annotations: Record<string, unknown> }[] = [];
    for (const r of resources) {
      if (r.type === "kubernetes:core/v1:Service") requests.push({ resource: r, annotations: metadataMap(r, "annotations") });
      if (r.type.startsWith("kubernetes:gateway.envoyproxy.io/") && r.type.endsWith(":EnvoyProxy")) {
        const service = (r.inputs.spec as { provider?: { kubernetes?: { envoyService?: { annotations?: unknown } } } } | undefined)?.provider?.kubernetes?.envoyService;
        if (isRecord(service?.annotations)) requests.push({ resource: r, annotations: service.annotations });
      }
    }
    const violations: Violation[] = [];
    for (const { resource, annotations } of requests) {
      const wanted = annotations["lbipam.cilium.io/ips"];
      if (typeof wanted !== "string") continue;
      for (const address of wanted.split(",").map((a) => a.trim())) {
        if (!blocks.some((block) => blockContains(block, address))) {
          violations.push({ resource: resourceLabel(resource), message: `${resource.name} asks for ${address}, which is in no CiliumLoadBalancerIPPool of this stack` });
        }
      }
    }
    return violations;
  },
};
