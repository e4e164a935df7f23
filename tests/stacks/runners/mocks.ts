import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { deserializeProperties, specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as YAML from "yaml";
import { runnersSchema, type RunnersConfig } from "../../../config/schema/runners";

/**
 * Strict Pulumi mocks for the runners tests: every registration is recorded with its inputs and
 * the options the stock mock drops (parent, dependencies, ignoreChanges), and any invoke fails,
 * because the stack must not call providers.
 */

export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, any>;
  readonly provider: string;
  readonly parent: string;
  readonly dependencies: string[];
  readonly ignoreChanges: string[];
}

export interface Recording {
  readonly registrations: Registration[];
  /** What components passed to `registerOutputs`, by URN, secrets still wrapped. */
  readonly outputs: Map<string, Record<string, unknown>>;
}

export async function startMocks(): Promise<Recording> {
  const registrations: Registration[] = [];
  const outputs = new Map<string, Record<string, unknown>>();
  const extras = new Map<string, Pick<Registration, "parent" | "dependencies" | "ignoreChanges">>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const extra = extras.get(`${args.type}::${args.name}`);
        registrations.push({
          type: args.type,
          name: args.name,
          custom: args.custom ?? true,
          inputs: args.inputs,
          provider: args.provider ?? "",
          parent: extra?.parent ?? "",
          dependencies: extra?.dependencies ?? [],
          ignoreChanges: extra?.ignoreChanges ?? [],
        });
        return { id: `${args.name}-id`, state: unwrap(args.inputs) as Record<string, unknown> };
      },
      call(args) {
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    "home-platform",
    "test",
    false,
  );
  // The stock mock passes only type, name and inputs on; the request itself has the options.
  const monitor = settings.getMonitor() as unknown as {
    registerResource(req: any, cb: any): void;
    registerResourceOutputs(req: any, cb: any): void;
  };
  const original = monitor.registerResource.bind(monitor);
  const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, cb: any) => {
    outputs.set(req.getUrn(), deserializeProperties(req.getOutputs()));
    return originalOutputs(req, cb);
  };
  monitor.registerResource = (req: any, cb: any) => {
    extras.set(`${req.getType()}::${req.getName()}`, {
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      ignoreChanges: req.getIgnorechangesList(),
    });
    return original(req, cb);
  };
  return { registrations, outputs };
}

/** Waits until every registration started so far (and those they start) has reached the mock. */
export function settle(): Promise<void> {
  // Exported by the SDK but marked internal, so it is missing from the type declarations.
  return (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

export function isSecretValue(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[specialSigKey] === specialSecretSig;
}

/** True when the leaf at `keys` reaches the engine as a secret (a wrapper on it or on any parent). */
export function isSecretAt(root: unknown, keys: readonly string[]): boolean {
  let node = root;
  for (const key of keys) {
    if (isSecretValue(node)) return true;
    if (typeof node !== "object" || node === null) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return isSecretValue(node);
}

/** The value with every secret wrapper removed (for reading inputs, never for secrecy checks). */
export function unwrap(value: unknown): unknown {
  if (isSecretValue(value)) return unwrap((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

export function find(registrations: readonly Registration[], type: string, name: string): Registration {
  const found = registrations.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}; registered: ${registrations.map((r) => `${r.type}/${r.name}`).join(", ")}`);
  return found;
}

export function ofType(registrations: readonly Registration[], type: string): Registration[] {
  return registrations.filter((r) => r.type === type);
}

/** The repository's stack file, parsed. */
export function stackFile(stack: "home" | "lab"): Record<string, any> {
  const file = path.resolve(__dirname, "..", "..", "..", `Pulumi.${stack}.yaml`);
  return (YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, any> }).config;
}

/** The runners section of a stack file, validated and defaulted as the program does. */
export function runnersConfig(stack: "home" | "lab", overrides: Record<string, unknown> = {}): RunnersConfig {
  return runnersSchema.parse({ ...stackFile(stack)["home-platform:runners"], ...overrides });
}
