import { enforceLabel, podSecurityLevels, privilegedReasonAnnotation, privilegedReasons } from "../../lib/pod-security";
import { metadataMap, metadataString, namespaceType } from "./kubernetes";
import type { ResourceRule, RuleContext, Violation } from "./types";

const levels = new Set<string>(podSecurityLevels);

/**
 * `namespace-pod-security` (mandatory): every namespace we create says which Pod Security
 * Standard it enforces. Without the label Talos' cluster default applies silently, and a reviewer
 * cannot see from the plan what a namespace allows.
 */
export const namespacePodSecurity: ResourceRule = {
  kind: "resource",
  name: "namespace-pod-security",
  description: `Every namespace sets ${enforceLabel} to restricted, baseline or privileged.`,
  enforcement: "mandatory",
  check(resource): Violation[] {
    if (resource.type !== namespaceType) return [];
    const level = metadataMap(resource, "labels")[enforceLabel];
    if (typeof level === "string" && levels.has(level)) return [];
    return [{ message: `namespace ${metadataString(resource, "name") ?? resource.name} has no valid ${enforceLabel} label (got ${JSON.stringify(level ?? null)})` }];
  },
};

/**
 * Namespaces that may be privileged, with the workload that needs it. Keys are the namespace
 * names the config schemas default to; an operator who renames one adds it through the pack's
 * config (`privilegedNamespaces`) or the plan's options, with a reason.
 */
export const defaultPrivilegedNamespaces: Readonly<Record<string, string>> = {
  security: privilegedReasons.tetragon,
  "logging-collector": privilegedReasons.logCollector,
  "forgejo-runners": privilegedReasons.runners,
  "monitoring-node-exporter": privilegedReasons.nodeExporter,
  velero: privilegedReasons.veleroNodeAgent,
  openebs: privilegedReasons.localPv,
};

/**
 * `privileged-namespace-allowlist` (mandatory): `privileged` disables every pod-security check,
 * so it is allowed only for the namespaces listed in `context.privilegedNamespaces`, and the
 * namespace must say why in the `home-platform.dev/privileged-reason` annotation.
 */
export const privilegedNamespaceAllowlist: ResourceRule = {
  kind: "resource",
  name: "privileged-namespace-allowlist",
  description: "Only allow-listed namespaces enforce privileged pod security, and each records why in an annotation.",
  enforcement: "mandatory",
  configKeys: ["privilegedNamespaces"],
  check(resource, context: RuleContext): Violation[] {
    if (resource.type !== namespaceType) return [];
    if (metadataMap(resource, "labels")[enforceLabel] !== "privileged") return [];
    const name = metadataString(resource, "name") ?? resource.name;
    const violations: Violation[] = [];
    if (!(name in context.privilegedNamespaces)) {
      const allowed = Object.keys(context.privilegedNamespaces).sort().join(", ");
      violations.push({ message: `namespace ${name} is privileged but not in the allowlist (${allowed})` });
    }
    const reason = metadataMap(resource, "annotations")[privilegedReasonAnnotation];
    if (typeof reason !== "string" || reason.trim() === "") {
      violations.push({ message: `namespace ${name} is privileged without a ${privilegedReasonAnnotation} annotation` });
    }
    return violations;
  },
};
