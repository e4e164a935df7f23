import type { PolicyResource } from "../../policy/rules";

/** A hand-made resource for rule tests; `inputs` are what the program would register. */
export function resource(type: string, name: string, inputs: Record<string, unknown>, protect = false): PolicyResource {
  return { type, name, urn: `urn:pulumi:test::home-platform::${type}::${name}`, inputs, protect };
}

export function container(name: string, image: string, resources?: Record<string, unknown>): Record<string, unknown> {
  return { name, image, ...(resources === undefined ? {} : { resources }) };
}

export const fullResources = { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } };

export function deployment(name: string, containers: Record<string, unknown>[], initContainers: Record<string, unknown>[] = []): PolicyResource {
  return resource("kubernetes:apps/v1:Deployment", name, {
    metadata: { name },
    spec: { template: { spec: { containers, ...(initContainers.length > 0 ? { initContainers } : {}) } } },
  });
}

export function namespace(name: string, labels: Record<string, string>, annotations?: Record<string, string>): PolicyResource {
  return resource("kubernetes:core/v1:Namespace", `${name}-ns`, { metadata: { name, labels, ...(annotations ? { annotations } : {}) } });
}

export function networkPolicy(name: string, ns: string, spec: Record<string, unknown>): PolicyResource {
  return resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", `${ns}-${name}`, { metadata: { name, namespace: ns }, spec });
}

export const denyAll = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
