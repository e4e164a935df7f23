import type * as PulumiModule from "@pulumi/pulumi";
import * as YAML from "yaml";
import type { PlatformConfig } from "../../../config/schema";
import { fakeApiToken } from "./helpers/render";
import { stackConfig, withCluster } from "../../helpers/stack-config";

/**
 * Issue 9 items 3 and 10: the Kubernetes provider must not be replaced by an admin-certificate
 * renewal or a CA-irrelevant edit, and must let refresh/destroy drop resources of a cluster that
 * is gone.
 *
 * What replaces a Kubernetes provider, from pulumi-kubernetes `DiffConfig`
 * (provider/pkg/provider/provider.go, the release the 4.34 SDK installs):
 *  1. `clusterIdentifier` changed from one value to another (`diff.Updated`) → replace.
 *  2. otherwise, if `kubeconfig`, `context` or `cluster` is unknown (computed) → replace;
 *  3. otherwise, if the kubeconfig's active cluster entry (server, certificate-authority-data,
 *     ... of the current context's cluster) differs → replace the keys that changed.
 *  But when `clusterIdentifier` is present and the same as before (`diff.Same` and
 *  `news.HasValue`), a deferred step clears every replacement: the diff is an update, whatever
 *  happened to the kubeconfig. (Adding or removing the identifier never replaces on its own.)
 * `providerReplaces` below is that rule, so the assertions read as "what DiffConfig would say".
 *
 * The scenario: `earlyRenewalHours: 720` makes the tls provider plan a replacement of the admin
 * certificate eleven months in; its `certPem` is then unknown in preview, so is the kubeconfig.
 * The mocks below run the component with `dryRun: true` and that certificate's PEM unknown.
 */

type Props = Record<string, unknown>;

interface ProviderDiffInputs {
  readonly known: (key: string) => boolean;
  readonly value: (key: string) => unknown;
}

/** pulumi-kubernetes DiffConfig's replacement decision, for the keys this program sets. */
function providerReplaces(olds: ProviderDiffInputs, news: ProviderDiffInputs): string[] {
  const replaces: string[] = [];
  const id = "clusterIdentifier";
  const oldId = olds.value(id);
  const newId = news.value(id);
  const updatedId = oldId !== undefined && newId !== undefined && (!news.known(id) || oldId !== newId);
  if (updatedId) replaces.push(id);
  const sameId = oldId !== undefined && news.known(id) && oldId === newId;
  if (!news.known("kubeconfig")) replaces.push("kubeconfig");
  else if (activeCluster(olds.value("kubeconfig")) !== activeCluster(news.value("kubeconfig"))) replaces.push("kubeconfig");
  return sameId ? [] : [...new Set(replaces)];
}

function activeCluster(kubeconfig: unknown): string {
  const doc = YAML.parse(String(kubeconfig)) as { "current-context": string; contexts: { name: string; context: { cluster: string } }[]; clusters: { name: string; cluster: unknown }[] };
  const context = doc.contexts.find((c) => c.name === doc["current-context"]);
  return JSON.stringify(doc.clusters.find((c) => c.name === context?.context.cluster)?.cluster);
}

/** The unknown sentinel of Pulumi's wire format (runtime/rpc.ts `unknownValue`). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

interface Run {
  /** The Kubernetes provider's inputs as the engine received them (secrets unwrapped). */
  readonly provider: ProviderDiffInputs;
}

/**
 * Runs the component on Pulumi's stock mocks (`setMocks`) with the given preview flag. Resource
 * state comes from the offline plan's simulation; `unknownCerts` lists tls certificates whose
 * `certPem` the mock answers with the unknown sentinel, as the engine does for a planned replacement.
 */
async function run(config: PlatformConfig, dryRun: boolean, unknownCerts: readonly string[] = []): Promise<Run> {
  let inputs: Props | undefined;
  let isUnknown: (value: unknown) => boolean = () => false;
  await jest.isolateModulesAsync(async () => {
    const pulumi = (await import("@pulumi/pulumi")) as typeof PulumiModule;
    // Inputs arrive deserialized: an unknown is the SDK's own `unknown` object of this registry.
    isUnknown = (value) => pulumi.isUnknown(value);
    const simulate = await import("../../../tools/plan/simulate");
    const { TalosCluster } = await import("../../../components/talos-cluster");
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          const plainInputs = unwrap(args.inputs) as Props;
          if (args.type === "pulumi:providers:kubernetes") inputs = args.inputs;
          const result = simulate.newResource({ type: args.type, name: args.name, inputs: plainInputs, custom: true });
          const state = { ...result.state };
          if (unknownCerts.includes(args.name)) state.certPem = UNKNOWN;
          return { id: result.id, state };
        },
        call: (args) => simulate.call({ token: args.token, inputs: unwrap(args.inputs) as Props }),
      },
      "home-platform",
      "test",
      dryRun,
    );
    new TalosCluster("cluster", { cluster: config.cluster, proxmox: config.proxmox, proxmoxApiToken: pulumi.secret(fakeApiToken) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pulumi.runtime.disconnect();
  });
  if (!inputs) throw new Error("no Kubernetes provider was registered");
  const got = inputs;
  const containsUnknown = (value: unknown): boolean => {
    if (value === undefined || value === UNKNOWN || isUnknown(value)) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
    return false;
  };
  return {
    provider: {
      known: (key) => key in got && !containsUnknown(got[key]),
      value: (key) => (key in got && !containsUnknown(got[key]) ? unwrap(got[key]) : undefined),
    },
  };
}

function unwrap(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrap);
  if (typeof value === "object" && value !== null) {
    const record = value as Props;
    if (Object.values(record).includes(SECRET_SIG) && "value" in record) return unwrap(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}


const base = stackConfig("home");
let deployed: Run;
beforeAll(async () => {
  deployed = await run(base, false);
});

test("the deployed provider has a known cluster identifier derived from the Kubernetes CA, and deletes unreachable resources", () => {
  expect(deployed.provider.value("clusterIdentifier")).toMatch(/^kubernetes-ca-sha256:[0-9a-f]{64}$/);
  // Provider inputs travel as strings (the engine passes provider config as JSON-encoded text).
  expect(String(deployed.provider.value("deleteUnreachable"))).toBe("true");
});

test("preview of an admin-certificate renewal: the kubeconfig is unknown, the identifier is not, so the provider is only updated", async () => {
  const renewal = await run(base, true, ["cluster-kubernetes-admin"]);
  // The scenario is real: this is the input that made DiffConfig replace the provider before.
  expect(renewal.provider.known("kubeconfig")).toBe(false);
  expect(renewal.provider.value("clusterIdentifier")).toBe(deployed.provider.value("clusterIdentifier"));
  expect(providerReplaces(deployed.provider, renewal.provider)).toEqual([]);
  // Without the identifier, the same preview replaces the provider (and every resource on it).
  const withoutId = (inputs: ProviderDiffInputs): ProviderDiffInputs => ({
    known: (key) => key !== "clusterIdentifier" && inputs.known(key),
    value: (key) => (key === "clusterIdentifier" ? undefined : inputs.value(key)),
  });
  expect(providerReplaces(withoutId(deployed.provider), withoutId(renewal.provider))).toEqual(["kubeconfig"]);
});

test("a CA-irrelevant edit (another API endpoint) changes the kubeconfig's active cluster but not the identifier", async () => {
  const firstControlPlane = base.cluster.nodes.find((node) => node.role === "controlplane");
  const edited = withCluster(base, (cluster) => ({ ...cluster, vip: cluster.vip ? undefined : firstControlPlane?.ip }));
  const preview = await run(edited, true);
  expect(activeCluster(preview.provider.value("kubeconfig"))).not.toBe(activeCluster(deployed.provider.value("kubeconfig")));
  expect(preview.provider.value("clusterIdentifier")).toBe(deployed.provider.value("clusterIdentifier"));
  expect(providerReplaces(deployed.provider, preview.provider)).toEqual([]);
});
