/**
 * What a policy rule sees and reports. The same pure functions run in two places: the offline
 * plan (`policy/evaluate.ts`, over every resource it captured) and the Pulumi policy pack
 * (`policy/index.ts`, under `pulumi preview --policy-pack policy`), so both enforce the same thing.
 */

/** One resource as both the plan and the policy pack can describe it. */
export interface PolicyResource {
  /** Pulumi type token, e.g. `kubernetes:core/v1:Namespace`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  readonly urn?: string;
  /**
   * The resource's inputs. In the plan, secret values are still marked (see `secret-marker.ts`);
   * in the policy pack they arrive as plain values.
   */
  readonly inputs: Record<string, unknown>;
  /** The `protect` resource option. */
  readonly protect: boolean;
}

export interface Violation {
  readonly message: string;
  /** For stack rules: the resource the violation is about (URN, or type::name). Resource rules leave it out. */
  readonly resource?: string;
}

/** `mandatory` blocks `pulumi up` and fails the plan; `advisory` is printed only. */
export type Enforcement = "mandatory" | "advisory";

/** Settings a rule may read; each has a default, and the policy pack exposes them as policy config. */
export interface RuleContext {
  /** Namespaces allowed to enforce the `privileged` pod-security level, each with the reason. */
  readonly privilegedNamespaces: Readonly<Record<string, string>>;
}

interface RuleBase {
  /** Policy name: lower-case words joined by '-', unique in the pack. */
  readonly name: string;
  /** One sentence: what is required. Shown by `pulumi preview` next to every violation. */
  readonly description: string;
  readonly enforcement: Enforcement;
  /**
   * The rule needs to know which input values are secret. The plan keeps that; the policy pack
   * cannot (see `policy/index.ts`), so there the rule reports itself not applicable.
   */
  readonly needsSecretMarkers?: boolean;
  /** Context settings the rule reads; the policy pack offers exactly these as policy config. */
  readonly configKeys?: readonly (keyof RuleContext)[];
}

export interface ResourceRule extends RuleBase {
  readonly kind: "resource";
  check(resource: PolicyResource, context: RuleContext): Violation[];
}

export interface StackRule extends RuleBase {
  readonly kind: "stack";
  check(resources: readonly PolicyResource[], context: RuleContext): Violation[];
}

export type Rule = ResourceRule | StackRule;

/** How a violation names its resource: the URN when known. */
export function resourceLabel(resource: Pick<PolicyResource, "type" | "name" | "urn">): string {
  return resource.urn ?? `${resource.type}::${resource.name}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
