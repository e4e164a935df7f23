import { defaultRuleContext, rules, type Enforcement, type PolicyResource, type RuleContext } from "./rules";
import { withoutMarkers } from "./rules/secret-marker";
import { resourceLabel } from "./rules/types";

/**
 * The policy pack's rules over a list of resources, for the offline plan: it passes every
 * resource it captured and prints what comes back; mandatory violations make it exit non-zero.
 */

export interface PolicyViolation {
  readonly policy: string;
  readonly enforcement: Enforcement;
  /** URN (or type::name) of the offending resource. */
  readonly resource: string;
  readonly message: string;
}

export function evaluatePolicies(resources: readonly PolicyResource[], context: Partial<RuleContext> = {}): PolicyViolation[] {
  const ctx: RuleContext = { ...defaultRuleContext, ...context };
  // Rules that do not ask for secret markers see plain values, as they would in the policy pack.
  const plain = resources.map((resource) => ({ ...resource, inputs: withoutMarkers(resource.inputs) as Record<string, unknown> }));
  const violations: PolicyViolation[] = [];
  for (const rule of rules) {
    const seen = rule.needsSecretMarkers ? resources : plain;
    if (rule.kind === "stack") {
      for (const violation of rule.check(seen, ctx)) {
        violations.push({ policy: rule.name, enforcement: rule.enforcement, resource: violation.resource ?? "(stack)", message: violation.message });
      }
      continue;
    }
    for (const resource of seen) {
      for (const violation of rule.check(resource, ctx)) {
        violations.push({ policy: rule.name, enforcement: rule.enforcement, resource: resourceLabel(resource), message: violation.message });
      }
    }
  }
  return violations;
}

/** True when any violation must stop a deployment. */
export function hasMandatoryViolations(violations: readonly PolicyViolation[]): boolean {
  return violations.some((violation) => violation.enforcement === "mandatory");
}
