import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { deserializeProperties, specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import * as settings from "@pulumi/pulumi/runtime/settings";

/**
 * Strict mocks for the TalosCluster tests: every registration is recorded with its inputs as the
 * engine would receive them (secret inputs still wrapped), plus the options the stock mock drops
 * (protect, ignoreChanges, dependencies, parent). Unknown invokes throw. Provider outputs are
 * derived from the resource name, so two runs of the same config produce the same values.
 */

export interface Registration {
  readonly type: string;
  readonly name: string;
  /** Inputs with secrets still wrapped, as the engine receives them. */
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
  urn?: string;
  id?: string;
  protect?: boolean;
  ignoreChanges: string[];
  dependencies: string[];
  parent?: string;
  provider?: string;
  customTimeouts?: { create: string; update: string; delete: string };
}

export interface Recorder {
  readonly registrations: Registration[];
  /** What each component passed to `registerOutputs`, by URN (secrets still wrapped). */
  readonly outputs: Map<string, Record<string, unknown>>;
  byType(type: string): Registration[];
  one(type: string, name: string): Registration;
  /** Waits until every registration so far has been answered. */
  settle(): Promise<void>;
}

export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[specialSigKey] === specialSecretSig;
}

/** The value with every secret wrapper removed. */
export function unwrap(value: unknown): unknown {
  if (isSecretValue(value)) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrap(inner)]));
  }
  return value;
}

const digest = (seed: string) => crypto.createHash("sha256").update(seed).digest();

function pem(label: string, seed: string): string {
  return `-----BEGIN ${label}-----\n${digest(seed).toString("base64")}\n-----END ${label}-----\n`;
}

/** Real keys, so tests can check the PEM labels Talos receives. */
function privateKeyPem(algorithm: unknown): string {
  if (algorithm === "ED25519") {
    return crypto.generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  }
  return crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "sec1", format: "pem" }).toString();
}

function lowerAlnum(seed: string, length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...digest(seed).toString("hex").repeat(4)].slice(0, length).map((char, i) => alphabet[(parseInt(char, 16) * 7 + i) % 36]).join("");
}

function outputsFor(type: string, name: string, inputs: Record<string, unknown>): { id?: string; outputs: Record<string, unknown> } {
  const plain = unwrap(inputs) as Record<string, unknown>;
  switch (type) {
    case "tls:index/privateKey:PrivateKey":
      return { outputs: { privateKeyPem: privateKeyPem(plain.algorithm), publicKeyPem: pem("PUBLIC KEY", name) } };
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert":
      return { outputs: { certPem: pem("CERTIFICATE", name) } };
    case "tls:index/certRequest:CertRequest":
      return { outputs: { certRequestPem: pem("CERTIFICATE REQUEST", name) } };
    case "random:index/randomPassword:RandomPassword":
      return { outputs: { result: lowerAlnum(name, Number(plain.length)) } };
    case "random:index/randomBytes:RandomBytes":
      return { outputs: { base64: digest(name).subarray(0, Number(plain.length)).toString("base64") } };
    case "proxmoxve:index/vmLegacy:VmLegacy":
      return { id: String(plain.vmId), outputs: {} };
    case "proxmoxve:download/file:File":
      return { id: `${plain.datastoreId}:${plain.contentType}/${plain.fileName}`, outputs: {} };
    case "command:local:Command":
      return { outputs: { stdout: "", stderr: "" } };
    default:
      if (type.startsWith("pulumi:providers:")) return { id: `${name}-provider-id`, outputs: {} };
      throw new Error(`mock: no outputs defined for ${type} (${name})`);
  }
}

type MonitorCallback = (err: Error | null, response?: { getUrn(): string; getId(): string }) => void;

export async function installMocks(project = "home-platform", stack = "test"): Promise<Recorder> {
  const registrations: Registration[] = [];
  const outputs = new Map<string, Record<string, unknown>>();
  const pendingOptions = new Map<string, Omit<Registration, "type" | "name" | "inputs" | "custom">>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const options = pendingOptions.get(`${args.type}::${args.name}`);
        registrations.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          custom: args.custom ?? false,
          ignoreChanges: [],
          dependencies: [],
          ...options,
        });
        if (!args.custom) return { id: undefined, state: args.inputs };
        const { id, outputs } = outputsFor(args.type, args.name, args.inputs);
        return { id: id ?? `${args.name}-id`, state: { ...args.inputs, ...outputs } };
      },
      call(args) {
        throw new Error(`mock: unexpected invoke ${args.token}`);
      },
    },
    project,
    stack,
    false,
  );

  // The stock monitor passes only type, name and inputs on; read the rest from the request.
  const monitor = settings.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, callback: MonitorCallback): void;
    registerResourceOutputs(req: OutputsRequest, callback: (err: Error | null) => void): void;
  };
  const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    const struct = req.getOutputs();
    if (struct) outputs.set(req.getUrn(), deserializeProperties(struct) as Record<string, unknown>);
    originalOutputs(req, callback);
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const key = `${req.getType()}::${req.getName()}`;
    const timeouts = req.getCustomtimeouts();
    pendingOptions.set(key, {
      protect: req.getProtect(),
      ignoreChanges: req.getIgnorechangesList(),
      dependencies: req.getDependenciesList(),
      parent: req.getParent() || undefined,
      provider: req.getProvider() || undefined,
      customTimeouts: timeouts ? { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() } : undefined,
    });
    original(req, (err, response) => {
      const registration = registrations.find((r) => `${r.type}::${r.name}` === key);
      if (registration && response) {
        registration.urn = response.getUrn();
        registration.id = response.getId() || undefined;
      }
      callback(err, response);
    });
  };

  return {
    registrations,
    outputs,
    byType: (type) => registrations.filter((r) => r.type === type),
    one(type, name) {
      const found = registrations.filter((r) => r.type === type && r.name === name);
      if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
      return found[0];
    },
    // Internal to the SDK (no typings), but it is exactly "wait for outstanding registrations".
    settle: () => (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs(),
  };
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getProtect(): boolean | undefined;
  getIgnorechangesList(): string[];
  getDependenciesList(): string[];
  getParent(): string;
  getProvider(): string;
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

interface OutputsRequest {
  getUrn(): string;
  getOutputs(): Parameters<typeof deserializeProperties>[0] | undefined;
}

/** Resolves an Output, with its secretness (what `pulumi.isSecret` would say). */
export async function resolve<T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
  const [value, secret] = await Promise.all([
    new Promise<T>((done) => output.apply((v) => done(v))),
    pulumi.isSecret(output),
  ]);
  return { value, secret };
}
