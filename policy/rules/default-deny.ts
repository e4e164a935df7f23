import { metadataMap, metadataString, namespaceType, networkPolicyType } from "./kubernetes";
import { isRecord, resourceLabel, type PolicyResource, type StackRule, type Violation } from "./types";

/** Label PlatformNamespace puts on every namespace the platform owns. */
export const managedLabel = "home-platform.dev/managed";
export const defaultDenyName = "default-deny";

/**
 * A deny-all NetworkPolicy: it selects every pod (empty podSelector), covers both directions and
 * allows nothing (no ingress/egress rules). Anything looser is not a default deny.
 */
export function isDefaultDeny(spec: unknown): boolean {
  if (!isRecord(spec)) return false;
  const selector = spec.podSelector;
  const emptySelector =
    isRecord(selector) &&
    Object.values(selector).every((part) => part === undefined || (Array.isArray(part) ? part.length === 0 : isRecord(part) && Object.keys(part).length === 0));
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  const noRules = [spec.ingress, spec.egress].every((rules) => rules === undefined || (Array.isArray(rules) && rules.length === 0));
  return emptySelector && types.includes("Ingress") && types.includes("Egress") && noRules;
}

/**
 * `namespace-default-deny` (mandatory, stack-wide): every namespace labelled
 * `home-platform.dev/managed` has a NetworkPolicy named `default-deny` that denies all ingress
 * and egress, so each permitted flow is an explicit, reviewable policy.
 */
export const namespaceDefaultDeny: StackRule = {
  kind: "stack",
  name: "namespace-default-deny",
  description: `Every platform namespace has a NetworkPolicy "${defaultDenyName}" with an empty podSelector, both policy types and no rules.`,
  enforcement: "mandatory",
  check(resources: readonly PolicyResource[]): Violation[] {
    const denied = new Set(
      resources
        .filter((r) => r.type === networkPolicyType && metadataString(r, "name") === defaultDenyName && isDefaultDeny(r.inputs.spec))
        .map((r) => metadataString(r, "namespace")),
    );
    return resources
      .filter((r) => r.type === namespaceType && metadataMap(r, "labels")[managedLabel] === "true")
      .filter((r) => !denied.has(metadataString(r, "name") ?? r.name))
      .map((r) => ({
        resource: resourceLabel(r),
        message: `namespace ${metadataString(r, "name") ?? r.name} has no deny-all NetworkPolicy named ${defaultDenyName}`,
      }));
  },
};
