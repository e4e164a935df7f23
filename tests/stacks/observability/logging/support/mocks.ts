import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";

/**
 * Strict Pulumi mocks for the logging and alerts tests: every registration is recorded with its
 * type, name, inputs and provider reference; any invoke is an error, since this code calls none.
 * Import the code under test only after `installMocks()` has resolved.
 */

export interface Registration {
  readonly type: string;
  readonly name: string;
  // Inputs as the engine would receive them: plain JSON after every Output resolved.
  readonly inputs: Record<string, any>;
  /** `urn::id` of the provider the resource was registered with ("" for components). */
  readonly provider: string;
}

export async function installMocks(): Promise<Registration[]> {
  const registrations: Registration[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registrations.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider ?? "" });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args) {
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    "home-platform",
    "test",
    false,
  );
  return registrations;
}

/** Waits until every registration started so far has reached the mock monitor. */
export async function settled(): Promise<void> {
  // Not in the SDK's typings, but it is what `pulumi.runtime.disconnect()` awaits.
  const waitForRPCs = (settings as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (typeof waitForRPCs !== "function") throw new Error("@pulumi/pulumi no longer exports runtime/settings.waitForRPCs");
  await waitForRPCs();
}

/** The value of an Output, once resolved. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/**
 * A parent like ObservabilityStack: it carries the kubernetes provider, and a transformation that
 * records every resource created under it. A resource missing from `parented` was created
 * without `{ parent }` and would not inherit the provider either.
 */
export function testParent(name: string): { parent: pulumi.ComponentResource; parented: Set<string>; providerName: string } {
  const parented = new Set<string>();
  const providerName = `${name}-k8s`;
  const provider = new k8s.Provider(providerName, { kubeconfig: "mocked" });
  const parent = new pulumi.ComponentResource("test:index:Parent", name, {}, {
    providers: { kubernetes: provider },
    transformations: [
      (args) => {
        parented.add(args.name);
        return undefined;
      },
    ],
  });
  return { parent, parented, providerName };
}
