/**
 * Runs a Pulumi program in-process on the mock engine and returns what it would register.
 *
 * The program runs inside `runtime.runInPulumiStack`, exactly as the Node language host runs it:
 * a root `pulumi:pulumi:Stack` resource parents everything, and the module's exports become that
 * stack's outputs via `registerOutputs` (so secretness of exports survives as under the real CLI).
 */
import * as path from "node:path";
import { evaluatePolicies, type PolicyViolation } from "../../policy/evaluate";
import * as pulumi from "@pulumi/pulumi";
import * as runtimeState from "@pulumi/pulumi/runtime/state";
import { isConfigError } from "../../config/errors";
import { capacityReport, type CapacityReport } from "./capacity";
import { PlanInputError, readProject, readStackConfig } from "./project";
import { RecordingMonitor, type CapturedResource } from "./recorder";

export type { CapturedResource } from "./recorder";
export type { CapacityReport } from "./capacity";
export { redact, unwrapSecrets, isSecret, containsSecret, Secret, REDACTED } from "./secrets";
export { PlanInputError } from "./project";

export interface PlanResult {
  readonly project: string;
  readonly stack: string;
  /** In registration order; the root stack resource first. */
  readonly resources: CapturedResource[];
  /** Stack outputs (the program's exports), secret leaves still marked. */
  readonly outputs: Record<string, unknown>;
  readonly capacity: CapacityReport | undefined;
  readonly warnings: string[];
  /** The policy pack's verdicts over every captured resource (same rules as `--policy-pack policy`). */
  readonly policyViolations: PolicyViolation[];
}

export interface RunPlanOptions {
  readonly stack: string;
  /** Project root holding Pulumi.yaml; default $HOME_PLATFORM_ROOT, else this repository. */
  readonly cwd?: string;
  /** Replace whole config values, keyed like the stack file ("home-platform:cluster"); undefined removes. */
  readonly configOverrides?: Readonly<Record<string, unknown>>;
  /** How to load the program module; tests pass a loader that uses a fresh module registry. */
  readonly load?: (programPath: string) => unknown;
  /** Give up waiting for outstanding registrations after this long (an Output that never settles). */
  readonly drainTimeoutMs?: number;
}

export const repoRoot = path.resolve(__dirname, "..", "..");

export async function runPlan(options: RunPlanOptions): Promise<PlanResult> {
  const root = path.resolve(options.cwd ?? process.env.HOME_PLATFORM_ROOT ?? repoRoot);
  const project = readProject(root);
  const { config, secretKeys } = readStackConfig(project, options.stack, options.configOverrides);
  const load = options.load ?? ((file: string) => require(file));
  // Like the language host for a CommonJS project: require the entry module, and if its export is a
  // function, call it and use what it returns as the stack's outputs.
  const program = async (): Promise<unknown> => {
    let exported: unknown;
    try {
      exported = load(project.main);
    } catch (err) {
      if ((err as { code?: string }).code === "MODULE_NOT_FOUND" && String((err as Error).message).includes(project.main)) {
        throw new PlanInputError(`program not found: ${project.main}`);
      }
      throw err;
    }
    return typeof exported === "function" ? await (exported as () => unknown)() : exported;
  };
  const run = await runOnMocks({ project: project.name, stack: options.stack, config, secretKeys, root, drainTimeoutMs: options.drainTimeoutMs }, program);
  return { project: project.name, stack: options.stack, ...run };
}

export interface MockRunOptions {
  readonly project: string;
  readonly stack: string;
  readonly config?: Record<string, string>;
  readonly secretKeys?: string[];
  /** Working directory while the program runs (the project root, as under `pulumi preview`). */
  readonly root?: string;
  readonly drainTimeoutMs?: number;
}

/** Mirrors the flags `runtime.setMocks` turns on; the store type is internal to the SDK. */
interface RuntimeStore {
  supportsSecrets: boolean;
  supportsResourceReferences: boolean;
  supportsOutputValues: boolean;
  supportsDeletedWith: boolean;
  supportsReplaceWith: boolean;
  supportsAliasSpecs: boolean;
  supportsTransforms: boolean;
  supportsInvokeTransforms: boolean;
  supportsParameterization: boolean;
  supportsResourceHooks: boolean;
  supportsErrorHooks: boolean;
  supportsInvokeDependsOn: boolean;
  settings: { options: { rootDirectory?: string } };
}

/**
 * Runs `body` as a stack program under the recording monitor and collects everything. Resets the
 * SDK's runtime state first, so several runs in one process do not see each other's resources.
 */
export async function runOnMocks(
  options: MockRunOptions,
  body: () => unknown,
): Promise<Omit<PlanResult, "project" | "stack">> {
  const monitor = new RecordingMonitor(options.project, options.stack);
  // preview=false: every Output resolves and every apply runs, so rendered values are complete
  // (a dry run would leave simulated-but-unknown values out of Helm values and machine configs).
  pulumi.runtime.setMockOptions(monitor, options.project, options.stack, false, "organization");
  const store = (runtimeState as unknown as { getStore(): RuntimeStore }).getStore();
  Object.assign(store, {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsReplaceWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: true,
    supportsInvokeTransforms: true,
    supportsParameterization: true,
    supportsResourceHooks: true,
    supportsErrorHooks: true,
    supportsInvokeDependsOn: false,
  } satisfies Omit<RuntimeStore, "settings">);
  if (options.root) store.settings.options.rootDirectory = options.root;
  pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);

  // Errors from applies and registrations surface as unhandled rejections, as under the CLI.
  // (Jest gives test code a copy of `process` whose listeners never fire; there such errors fail
  // the test through Jest's own handler instead.)
  const errors: unknown[] = [];
  // Drain deadline: generous while all is well, two seconds once something failed (after a failure
  // some Outputs never settle, so waiting longer only delays the report).
  let giveUp: (() => void) | undefined;
  const deadline = new Promise<false>((resolve) => (giveUp = () => resolve(false)));
  const timers = [setTimeout(() => giveUp?.(), options.drainTimeoutMs ?? 60_000)];
  const onError = (err: unknown): void => {
    if (errors.push(err) === 1) timers.push(setTimeout(() => giveUp?.(), 2_000));
  };
  process.on("unhandledRejection", onError);
  process.on("uncaughtException", onError);
  const previousCwd = process.cwd();
  if (options.root) process.chdir(options.root);
  try {
    // The body's own failure is caught here rather than inside the SDK: a rejected stack init
    // leaves a trail of rejected internal promises that, under Jest, would fail the calling test
    // as "unhandled" even when the caller expects the error.
    await pulumi.runtime
      .runInPulumiStack(async () => {
        try {
          return await body();
        } catch (err) {
          onError(err);
          return undefined;
        }
      })
      .catch(onError);
    const drained = await Promise.race([pulumi.runtime.disconnect().then(() => true), deadline]);
    // Let rejections queued during the drain reach the handler before it is removed.
    await new Promise((resolve) => setImmediate(resolve));
    if (errors.length > 0) throw firstError(errors);
    if (!drained) throw new Error("registrations did not finish in time (an Output that never resolves?)");
    if (pulumi.log.hasErrors()) throw new Error("the program logged errors (see above)");
  } finally {
    timers.forEach(clearTimeout);
    process.chdir(previousCwd);
    process.off("unhandledRejection", onError);
    process.off("uncaughtException", onError);
  }

  const resources = monitor.captured;
  const stackResource = resources.find((r) => r.type === "pulumi:pulumi:Stack" && r.parent === undefined);
  return {
    resources,
    outputs: stackResource?.outputs ?? {},
    capacity: capacityReport(resources),
    warnings: monitor.warnings,
    policyViolations: evaluatePolicies(resources),
  };
}

/** Config problems win over follow-on failures they caused; several ConfigErrors merge. */
function firstError(errors: readonly unknown[]): unknown {
  const configErrors = errors.filter(isConfigError);
  if (configErrors.length > 1) {
    const problems = [...new Set(configErrors.flatMap((e) => e.problems))];
    return Object.assign(configErrors[0], { problems });
  }
  return configErrors[0] ?? errors[0];
}
