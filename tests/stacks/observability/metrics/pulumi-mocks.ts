import * as pulumi from "@pulumi/pulumi";

/**
 * Strict Pulumi mocks that record every registration with its options (protect, retainOnDelete,
 * parent, provider, dependencies) and its inputs, secret leaves still wrapped. Invokes are not
 * expected by the code under test, so any invoke fails the test.
 *
 * Usage: `const recorded = await startRecording();` before importing the code under test, build
 * the component, then `await settle()` before reading `recorded`.
 */

export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string;
  readonly provider: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** URNs this resource waits for (explicit dependsOn plus those its inputs came from). */
  readonly dependencies: string[];
  /** Inputs as the engine receives them; secret leaves are `{ [sigKey]: secretSig, value }`. */
  readonly inputs: Record<string, unknown>;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getProvider(): string;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDependenciesList(): string[];
  getObject(): unknown;
}

interface RegisterOutputsRequest {
  getUrn(): string;
  getOutputs(): unknown;
}

type Monitor = {
  registerResource(req: RegisterRequest, callback: unknown): Promise<void>;
  registerResourceOutputs(req: RegisterOutputsRequest, callback: unknown): void;
};

export interface Recording extends Array<Registration> {
  /** What each component passed to registerOutputs, by URN (secret leaves still wrapped). */
  readonly outputsByUrn: Map<string, Record<string, unknown>>;
}

/** Outputs the real providers would add, for the few the code under test reads. */
function simulatedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type === "aws:s3/bucket:Bucket") return { ...inputs, bucket: inputs.bucket ?? `${name}-generated`, arn: `arn:aws:s3:::${String(inputs.bucket)}` };
  if (type === "kubernetes:helm.sh/v3:Release") return { ...inputs, status: { status: "deployed" } };
  return inputs;
}

export async function startRecording(): Promise<Recording> {
  const recorded = Object.assign([] as Registration[], { outputsByUrn: new Map<string, Record<string, unknown>>() });
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: simulatedState(args.type, args.name, args.inputs) }),
      call: (args) => {
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    "home-platform",
    "test",
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    recorded.push({
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: req.getParent(),
      provider: req.getProvider(),
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      dependencies: req.getDependenciesList(),
      inputs: pulumi.runtime.deserializeProperties(req.getObject() as never) as Record<string, unknown>,
    });
    return register(req, callback);
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    recorded.outputsByUrn.set(req.getUrn(), pulumi.runtime.deserializeProperties(req.getOutputs() as never) as Record<string, unknown>);
    return registerOutputs(req, callback);
  };
  return recorded;
}

/** Waits until every registration and Output the code under test started has finished. */
export async function settle(): Promise<void> {
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

export function find(recorded: readonly Registration[], type: string, name: string): Registration {
  const match = recorded.find((r) => r.type === type && r.name === name);
  if (!match) {
    const names = recorded.filter((r) => r.type === type).map((r) => r.name);
    throw new Error(`no ${type} named ${name}; registered: ${names.join(", ") || "none"}`);
  }
  return match;
}

export function ofType(recorded: readonly Registration[], type: string): Registration[] {
  return recorded.filter((r) => r.type === type);
}

export function isSecretValue(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

/** `value` with every secret wrapper replaced by what it wraps. */
export function unwrap(value: unknown): unknown {
  if (isSecretValue(value)) return unwrap((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrap(inner)]));
  }
  return value;
}

/** Every leaf path under `value` whose value is a plain (non-secret) string containing `needle`. */
export function plainOccurrences(value: unknown, needle: string, path = ""): string[] {
  if (isSecretValue(value)) return [];
  if (typeof value === "string") return value.includes(needle) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((inner, index) => plainOccurrences(inner, needle, `${path}[${index}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => plainOccurrences(inner, needle, path ? `${path}.${key}` : key));
  }
  return [];
}

export function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolvePromise) => output.apply((value) => resolvePromise(value)));
}

/** The registered outputs of the component `type`/`name`. */
export function registeredOutputs(recorded: Recording, type: string, name: string): Record<string, unknown> {
  for (const [urn, outputs] of recorded.outputsByUrn) if (urn.endsWith(`${type}::${name}`)) return outputs;
  throw new Error(`no registerOutputs from ${type} ${name}`);
}
