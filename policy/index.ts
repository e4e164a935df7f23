import {
  PolicyPack,
  type Policy,
  type PolicyConfigSchema,
  type PolicyResource as PackResource,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { defaultRuleContext, rules, type PolicyResource, type Rule, type RuleContext } from "./rules";

/**
 * The policy pack, adapting the pure rules in ./rules to @pulumi/policy. Run it with
 * `pulumi preview --policy-pack policy`; the CLI loads it through main.js, which transpiles it with
 * SWC (see there why). The pack has no node_modules of its own: its package.json lists no
 * dependencies, so Node resolves @pulumi/policy and @swc-node/register from the repository root,
 * the same versions the tests use.
 *
 * Secrets: @pulumi/policy 1.21 hands validations plain values (secrets unwrapped, nothing says
 * which were secret; pulumi/pulumi-policy#241), so rules that need secret markers report
 * themselves not applicable here. The offline plan, which keeps the markers, enforces them.
 */

export const secretMarkersUnavailable =
  "secretness is not visible to policy packs (@pulumi/policy passes secrets as plain values, pulumi/pulumi-policy#241); the offline plan (npm run plan) enforces this rule";

/** Policy config a rule accepts (`--policy-pack-config`), with the rule context's defaults. */
const configProperties: { readonly [Key in keyof RuleContext]: PolicyConfigJSONSchema } = {
  privilegedNamespaces: {
    type: "object",
    additionalProperties: { type: "string" },
    default: defaultRuleContext.privilegedNamespaces,
  },
};

function configSchema(rule: Rule): PolicyConfigSchema | undefined {
  if (!rule.configKeys || rule.configKeys.length === 0) return undefined;
  return { properties: Object.fromEntries(rule.configKeys.map((key) => [key, configProperties[key]])) };
}

function contextFrom(getConfig: <T extends object>() => T): RuleContext {
  const config = getConfig<Partial<RuleContext>>();
  return { ...defaultRuleContext, ...config };
}

function fromPack(resource: { type: string; name: string; urn: string; props: Record<string, unknown>; opts: { protect: boolean } }): PolicyResource {
  return { type: resource.type, name: resource.name, urn: resource.urn, inputs: resource.props, protect: resource.opts.protect };
}

/** One rule as a @pulumi/policy policy with the same name, description and enforcement level. */
export function toPackPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
  const common: Policy = { name: rule.name, description: rule.description, enforcementLevel: rule.enforcement, configSchema: configSchema(rule) };
  if (rule.kind === "stack") {
    return {
      ...common,
      validateStack: (args, reportViolation) => {
        if (rule.needsSecretMarkers) args.notApplicable(secretMarkersUnavailable);
        const resources = args.resources.map((resource: PackResource) => fromPack(resource));
        for (const violation of rule.check(resources, contextFrom(args.getConfig))) reportViolation(violation.message, violation.resource);
      },
    };
  }
  return {
    ...common,
    validateResource: (args, reportViolation) => {
      if (rule.needsSecretMarkers) args.notApplicable(secretMarkersUnavailable);
      for (const violation of rule.check(fromPack(args), contextFrom(args.getConfig))) reportViolation(violation.message);
    },
  };
}

new PolicyPack("home-platform", {
  description: "Guardrails for the home platform: pinned images, container resources, pod security, default-deny, secrets, protected state.",
  policies: rules.map(toPackPolicy),
});
