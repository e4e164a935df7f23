import { isRecord, type PolicyResource } from "./types";

/**
 * Where the pod template sits in each Kubernetes workload kind, by Pulumi type token. Helm
 * releases are not here: their manifests are rendered by Helm, not registered with Pulumi, so the
 * only part of them we author (the values) is checked by the image rule.
 */
const podSpecPaths: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:core/v1:ReplicationController": ["spec", "template", "spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Helm releases whose `values` input is what we set. */
export const helmReleaseTypes = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"]);

export const namespaceType = "kubernetes:core/v1:Namespace";
export const networkPolicyType = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

export interface Container {
  /** `containers[0]`, `initContainers[1]`, with the container's name when it has one. */
  readonly where: string;
  readonly spec: Record<string, unknown>;
}

/** True for the workload kinds whose pod template the container rules read. */
export function isWorkload(resource: Pick<PolicyResource, "type">): boolean {
  return resource.type in podSpecPaths;
}

/** Every container of a workload's pod template, init containers included. */
export function workloadContainers(resource: PolicyResource): Container[] {
  const path = podSpecPaths[resource.type];
  if (!path) return [];
  let node: unknown = resource.inputs;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  if (!isRecord(node)) return [];
  const podSpec = node;
  return (["initContainers", "containers"] as const).flatMap((field) => {
    const list = podSpec[field];
    if (!Array.isArray(list)) return [];
    return list.filter(isRecord).map((spec, index) => ({
      where: typeof spec.name === "string" ? `${field}[${index}] (${spec.name})` : `${field}[${index}]`,
      spec,
    }));
  });
}

/** `metadata.labels` / `metadata.annotations` as string maps (missing → empty). */
export function metadataMap(resource: PolicyResource, field: "labels" | "annotations"): Record<string, unknown> {
  const metadata = resource.inputs.metadata;
  const map = isRecord(metadata) ? metadata[field] : undefined;
  return isRecord(map) ? map : {};
}

export function metadataString(resource: PolicyResource, field: "name" | "namespace"): string | undefined {
  const metadata = resource.inputs.metadata;
  const value = isRecord(metadata) ? metadata[field] : undefined;
  return typeof value === "string" ? value : undefined;
}
