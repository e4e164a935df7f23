import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import type { PlatformConfig } from "../../../config/schema";
import { visibleStrings } from "../../helpers";
import { fakeApiToken, type Rendered, renderCluster } from "./helpers/render";
import { fixtureConfig } from "./helpers/fixture-config";
import { stackConfig } from "../../helpers/stack-config";

/**
 * Secrets in the rendered component: on both stacks (control planes only) and on the two-hosts
 * fixture, whose workers get a smaller set of secrets and must not leak the rest either.
 */

type Plain = Record<string, unknown>;

/** Secret leaves of every node's v1alpha1 document, from Talos's own secrets bundle layout. */
const everyNodeSecrets = [
  ["machine", "token"],
  ["cluster", "id"],
  ["cluster", "secret"],
  ["cluster", "token"],
];
/** Only control planes hold the CA keys, the etcd CA, the service-account key and secretbox. */
const controlPlaneSecrets = [
  ["machine", "ca", "key"],
  ["cluster", "ca", "key"],
  ["cluster", "aggregatorCA", "key"],
  ["cluster", "serviceAccount", "key"],
  ["cluster", "etcd", "ca", "key"],
  ["cluster", "secretboxEncryptionSecret"],
];
/** Public halves, readable in the plan. */
const certificates = [
  ["machine", "ca", "crt"],
  ["cluster", "ca", "crt"],
];

const at = (object: unknown, path: readonly string[]) => path.reduce<unknown>((value, key) => (value as Plain | undefined)?.[key], object);
const isSecretOutput = async (leaf: unknown) => pulumi.Output.isInstance(leaf) && (await pulumi.isSecret(leaf));
const valueOf = (output: pulumi.Output<unknown>) => new Promise<unknown>((done) => output.apply(done));

describe.each([
  ["the home stack", () => stackConfig("home"), ["controlplane"]],
  ["the lab stack", () => stackConfig("lab"), ["controlplane"]],
  ["the two-hosts fixture", () => fixtureConfig("two-hosts"), ["controlplane", "worker"]],
] as const)("secrets of %s", (_name, load, roles) => {
  let config: PlatformConfig;
  let rendered: Rendered;
  beforeAll(async () => {
    config = load();
    rendered = await renderCluster(config);
  });

  test("the config has the roles this case is about", () => {
    expect([...new Set(config.cluster.nodes.map((node) => node.role))].sort()).toEqual([...roles]);
  });

  test("every key, token and shared secret is a secret leaf; certificates are not; workers lack control-plane secrets", async () => {
    for (const node of config.cluster.nodes) {
      const [document] = rendered.cluster.machineConfigs[node.name];
      const secretPaths = node.role === "controlplane" ? [...everyNodeSecrets, ...controlPlaneSecrets] : everyNodeSecrets;
      const secret = await Promise.all(secretPaths.map((path) => isSecretOutput(at(document, path))));
      expect([node.name, secret]).toEqual([node.name, secretPaths.map(() => true)]);
      const publicHalves = await Promise.all(certificates.map((path) => isSecretOutput(at(document, path))));
      expect([node.name, publicHalves]).toEqual([node.name, certificates.map(() => false)]);
      if (node.role === "worker") {
        expect([node.name, controlPlaneSecrets.map((path) => at(document, path))]).toEqual([node.name, controlPlaneSecrets.map(() => undefined)]);
      }
    }
  });

  test("no secret value appears anywhere in plain text: inputs or registered outputs", async () => {
    // Every secret leaf of every machine config, plus the admin keys and the Proxmox token.
    const secretLeaves: unknown[] = [];
    const walk = async (value: unknown): Promise<void> => {
      if (pulumi.Output.isInstance(value)) {
        if (await pulumi.isSecret(value)) secretLeaves.push(await valueOf(value));
      } else if (value && typeof value === "object") await Promise.all(Object.values(value).map(walk));
    };
    await walk(rendered.cluster.machineConfigs);
    const kubeconfig = YAML.parse((await valueOf(rendered.cluster.kubeconfig)) as string);
    const talosconfig = YAML.parse((await valueOf(rendered.cluster.talosconfig)) as string);
    const secrets = [
      ...secretLeaves,
      kubeconfig.users[0].user["client-key-data"],
      talosconfig.contexts[talosconfig.context].key,
      fakeApiToken,
    ] as string[];
    // Each node contributes its leaves (4 on a worker, 10 on a control plane).
    const expectedLeaves = config.cluster.nodes.reduce(
      (total, node) => total + everyNodeSecrets.length + (node.role === "controlplane" ? controlPlaneSecrets.length : 0),
      0,
    );
    expect(secretLeaves).toHaveLength(expectedLeaves);
    expect(secrets.every((secret) => typeof secret === "string" && secret.length >= 16)).toBe(true);

    // Inputs and outputs (component outputs and simulated provider state), secret leaves left out.
    const visible = rendered.resources.flatMap((r) => visibleStrings([r.inputs, r.outputs])).join("\n");
    // The search does see plain inputs (so an empty result below means something).
    expect(visible).toContain(config.proxmox.endpoint);
    expect(secrets.filter((secret) => visible.includes(secret))).toEqual([]);
  });
});
