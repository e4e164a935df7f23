/**
 * Test helpers: run Pulumi code on the same mock engine, recorder and simulated provider outputs as
 * `npm run plan`, and inspect what it registered.
 *
 * Components (no program needed):
 *
 *   import { withMocks, findResource, redact, unwrapSecrets } from "../helpers";
 *   const resources = await withMocks(() => {
 *     new TalosCluster("cluster", args);
 *   }, { config: { "home-platform:timezone": "Europe/Vienna" } });
 *   const vm = findResource(resources, "proxmoxve:index/vmLegacy:VmLegacy", "cp-1");
 *   expect(vm.protect).toBe(true);
 *   expect(redact(vm.inputs)).toMatchObject({ ... });   // secret leaves read "[secret]"
 *
 *   `withMocks` may be called any number of times per file: each call resets Pulumi's runtime
 *   state (monitor, root stack, config) before running `body`. Awaits every registration, so
 *   component outputs (`resource.outputs`) are complete when it returns. What `body` returns
 *   becomes the stack outputs of `mockRun(...)`, which also returns capacity and warnings.
 *
 * The whole program, from a stack file:
 *
 *   const plan = await runStackPlan("home", { "home-platform:runners": { enabled: false } });
 *   expect(plan.capacity?.total.cpuPercent).toBeLessThan(80);
 *
 *   Overrides replace whole top-level config values (undefined removes one). Each call loads the
 *   program, the engine and the SDKs in a fresh module registry (`jest.isolateModulesAsync`), since
 *   a module body only runs once per registry; so several calls per file work, at the cost of
 *   reloading the SDKs (about a second each). Because of that isolation, compare secrets with
 *   `isSecret()` (brand-based), never `instanceof Secret`.
 *
 * Errors: whatever the program or `body` throws rejects the call (a ConfigError keeps `problems`).
 * An error thrown later, inside an `apply`, surfaces as an unhandled rejection, which Jest reports
 * as a failure of the running test: validate inputs before creating resources, and test that.
 *
 * Pulumi's runtime is process-global: never run two of these at once (no `test.concurrent`).
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { isSecret, redact, REDACTED } from "../../tools/plan/engine";
import { runOnMocks, type CapturedResource, type PlanResult, type RunPlanOptions } from "../../tools/plan/engine";

export type { CapturedResource, PlanResult, CapacityReport } from "../../tools/plan/engine";
export { redact, unwrapSecrets, isSecret, containsSecret, REDACTED } from "../../tools/plan/engine";

export interface MockOptions {
  readonly project?: string;
  readonly stack?: string;
  /** Stack config keyed "namespace:key"; objects are JSON-encoded as the Pulumi CLI would. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Keys of `config` whose values `config.getSecret()`/`requireSecret()` should treat as secret. */
  readonly secretKeys?: readonly string[];
  /** Fail instead of waiting longer than this for registrations to finish (default 60 s). */
  readonly drainTimeoutMs?: number;
}

/** Runs `body` as a stack program under the mocks; returns everything it and its outputs registered. */
export async function mockRun(body: () => unknown, options: MockOptions = {}): Promise<PlanResult> {
  const project = options.project ?? "home-platform";
  const stack = options.stack ?? "test";
  const config = Object.fromEntries(
    Object.entries(options.config ?? {}).map(([key, value]) => [
      key.includes(":") ? key : `${project}:${key}`,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
  const run = await runOnMocks({ project, stack, config, secretKeys: [...(options.secretKeys ?? [])], drainTimeoutMs: options.drainTimeoutMs }, body);
  return { project, stack, ...run };
}

/** The resources `body` registered, in registration order (the root stack resource first). */
export async function withMocks(body: () => unknown, options?: MockOptions): Promise<CapturedResource[]> {
  return (await mockRun(body, options)).resources;
}

/** The repository root, where the real program and its Pulumi.<stack>.yaml files live. */
export const repoRoot = path.resolve(__dirname, "..", "..");

/** The whole program for `stack`, as `npm run plan` runs it. */
export async function runStackPlan(
  stack: string,
  configOverrides?: RunPlanOptions["configOverrides"],
  options: { readonly cwd?: string } = {},
): Promise<PlanResult> {
  let result: PlanResult | undefined;
  await jest.isolateModulesAsync(async () => {
    const engine = (await import("../../tools/plan/engine")) as typeof import("../../tools/plan/engine");
    result = await engine.runPlan({ stack, configOverrides, cwd: options.cwd ?? repoRoot });
  });
  if (!result) throw new Error("runStackPlan: the plan produced no result");
  return result;
}

/** The one resource of `type` named `name`; fails the test with the names it did find. */
export function findResource(resources: readonly CapturedResource[], type: string, name: string): CapturedResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    const names = resources.filter((r) => r.type === type).map((r) => r.name);
    throw new Error(`no ${type} named "${name}" (found: ${names.join(", ") || "none of that type"})`);
  }
  return found;
}

/** All resources of `type`. */
export function resourcesOfType(resources: readonly CapturedResource[], type: string): CapturedResource[] {
  return resources.filter((r) => r.type === type);
}

/** URNs of `resource`'s parents, nearest first, up to the root stack. */
export function ancestorsOf(resources: readonly CapturedResource[], resource: CapturedResource): string[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const chain: string[] = [];
  for (let parent = resource.parent; parent !== undefined && !chain.includes(parent); parent = byUrn.get(parent)?.parent) chain.push(parent);
  return chain;
}

/** True when the value at `keys` is secret, or sits inside a secret (the engine would encrypt it). */
export function isSecretAt(value: unknown, keys: readonly (string | number)[]): boolean {
  let node = value;
  for (const key of keys) {
    if (isSecret(node)) return true;
    if (typeof node !== "object" || node === null) return false;
    node = (node as Record<string | number, unknown>)[key];
  }
  return isSecret(node);
}

/**
 * What an Output resolved to. Call it after `withMocks`/`mockRun` returned, when every Output has
 * settled (an Output that never resolves would keep this pending until the test times out).
 */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/**
 * Every string in `value` that a reader of the plan or the state would see in plain text: string
 * leaves and object keys, secret leaves left out. For "this secret shows up nowhere" checks.
 */
export function visibleStrings(value: unknown): string[] {
  const walk = (node: unknown): string[] => {
    if (typeof node === "string") return node === REDACTED ? [] : [node];
    if (Array.isArray(node)) return node.flatMap(walk);
    if (typeof node === "object" && node !== null) return Object.entries(node).flatMap(([key, inner]) => [key, ...walk(inner)]);
    return [];
  };
  return walk(redact(value));
}
