/**
 * A mock resource monitor that records every registration in full (parent, dependencies, protect,
 * provider, secret leaves) and answers with simulated provider state.
 *
 * The stock `MockMonitor` hands `mocks.newResource` only type/name/inputs, with secrets hoisted to
 * the top-level property; the plan needs the whole request, so registration is re-implemented here
 * while invokes, reads and `getResource` stay with the base class.
 */
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
// google-protobuf is @pulumi/pulumi's own dependency: the very Struct class the SDK decodes with.
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as simulate from "./simulate";
import { Secret, decodeWire, encodeWire, isSecret, unwrapSecrets } from "./secrets";

/** One registered resource, as the engine would have seen it. */
export interface CapturedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  /** URN of the explicit provider (custom resources only; default providers are implicit). */
  readonly provider?: string;
  /** Every resource this one waits for: explicit `dependsOn` plus those its inputs came from. */
  readonly dependsOn: string[];
  readonly protect: boolean;
  readonly custom: boolean;
  /** Inputs with secret leaves still marked: use `redact()` to print, `unwrapSecrets()` to compute. */
  readonly inputs: Record<string, unknown>;
  /** Components: what they passed to `registerOutputs`. Custom resources: the simulated state. */
  outputs?: Record<string, unknown>;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: string[];
}

type Callback = (err: unknown, response: unknown) => void;

export class RecordingMonitor extends MockMonitor {
  readonly captured: CapturedResource[] = [];
  /** Things the plan could not reproduce faithfully; printed with the summary. */
  readonly warnings: string[] = [];
  private readonly byUrn = new Map<string, CapturedResource>();

  constructor(private readonly project: string, private readonly stack: string) {
    // These two serve the base class's invoke and read paths, whose inputs arrive deserialized
    // (wire wrappers intact), hence decode + unwrap.
    super({
      call: (args) => simulate.call({ token: args.token, inputs: plain(decodeWire(args.inputs)) }),
      newResource: (args) =>
        simulate.newResource({ type: args.type, name: args.name, inputs: plain(decodeWire(args.inputs)), custom: true, id: args.id }),
    });
  }

  override async registerResource(request: unknown, callback: Callback): Promise<void> {
    try {
      const req = request as resproto.RegisterResourceRequest;
      const type = req.getType();
      const name = req.getName();
      const custom = req.getCustom();
      const parent = req.getParent() || undefined;
      const urn = urnFor(this.project, this.stack, parent, type, name);
      const inputs = decodeWire(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
      const plainInputs = plain(inputs);
      if (req.getTransformsList().length > 0) this.warnings.push(`${urn}: resource transforms are not applied by the plan`);

      const result = simulate.newResource({ type, name, inputs: plainInputs, custom, id: req.getImportid() || undefined });
      const state = markSecrets(result.state, plainInputs, inputs, req.getAdditionalsecretoutputsList());
      const providerRef = req.getProvider();
      const captured: CapturedResource = {
        urn,
        type,
        name,
        parent,
        provider: providerRef ? providerRef.slice(0, providerRef.lastIndexOf("::")) : undefined,
        dependsOn: [...new Set(req.getDependenciesList())],
        protect: req.getProtect() === true,
        custom,
        inputs,
        outputs: custom ? state : undefined,
        retainOnDelete: req.getRetainondelete() === true,
        ignoreChanges: req.getIgnorechangesList(),
      };
      this.captured.push(captured);
      this.byUrn.set(urn, captured);

      const wireState = encodeWire(state) as Record<string, unknown>;
      this.resources.set(urn, { urn, id: result.id ?? null, state: wireState });
      const response = new resproto.RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(result.id ?? "");
      response.setObject(Struct.fromJavaScript(wireState as Parameters<typeof Struct.fromJavaScript>[0]));
      callback(null, response);
    } catch (err) {
      callback(err, undefined);
    }
  }

  override registerResourceOutputs(request: unknown, callback: Callback): void {
    try {
      const req = request as resproto.RegisterResourceOutputsRequest;
      const captured = this.byUrn.get(req.getUrn());
      if (!captured) throw new Error(`plan: outputs registered for unknown resource ${req.getUrn()}`);
      captured.outputs = decodeWire(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
      callback(null, {});
    } catch (err) {
      callback(err, undefined);
    }
  }
}

/**
 * The engine's URN (see `createUrn` in @pulumi/pulumi/resource.js): the parent's whole qualified
 * type chain, then this type, except that the root Stack is never part of the chain. (The SDK's
 * MockMonitor keeps only the parent's last type and does include the Stack, so its URNs differ
 * from what `pulumi preview` would show.)
 */
export function urnFor(project: string, stack: string, parent: string | undefined, type: string, name: string): string {
  const parentChain = parent?.split("::")[2];
  const qualified = parentChain && parentChain !== "pulumi:pulumi:Stack" ? `${parentChain}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function plain(value: unknown): Record<string, unknown> {
  return (unwrapSecrets(value) ?? {}) as Record<string, unknown>;
}

/**
 * What the engine does with secretness: an output that passes an input through stays as secret as
 * the input was, and outputs the provider schema lists in `additionalSecretOutputs` become secret.
 */
function markSecrets(
  state: Record<string, unknown>,
  plainInputs: Record<string, unknown>,
  markedInputs: Record<string, unknown>,
  additionalSecretOutputs: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) {
    const passedThrough = key in plainInputs && value === plainInputs[key];
    const marked = passedThrough ? markedInputs[key] : value;
    out[key] = additionalSecretOutputs.includes(key) && !isSecret(marked) ? new Secret(marked) : marked;
  }
  return out;
}
