import { nodeMachineConfig, type V1Alpha1Config } from "../../../components/talos-cluster/machine-config";
import { toYamlDocuments } from "../../../components/talos-cluster/serialize";
import { talosApiAccessFor } from "../../../stacks/backups";
import { fakeSecretsBundle } from "./helpers/fake-secrets";
import { stackConfig } from "../../helpers/stack-config";
import { fixtureConfig } from "./helpers/fixture-config";
import { validateYamlDocuments } from "./helpers/talos-schema";

/**
 * The etcd snapshot job holds `os:etcd:backup` through Talos' kubernetesTalosAPIAccess feature.
 * It must be on every control plane (apid answers there), for that one namespace and role only,
 * and never on a worker: Talos' validation rejects the feature there ("can only be enabled on
 * control plane machines").
 */

const access = { roles: ["os:etcd:backup"], namespaces: ["etcd-backup"] };
const v1alpha1 = (documents: unknown[]) => documents[0] as V1Alpha1Config;

describe("kubernetesTalosAPIAccess", () => {
  it("follows home-platform:backups in both stacks: os:etcd:backup for the snapshot namespace only", () => {
    expect(talosApiAccessFor(stackConfig("home").backups)).toEqual(access);
    expect(talosApiAccessFor(stackConfig("lab").backups)).toEqual(access);
    const home = stackConfig("home");
    expect(talosApiAccessFor({ ...home.backups, etcd: { ...home.backups.etcd, enabled: false } })).toBeUndefined();
    expect(talosApiAccessFor({ ...home.backups, enabled: false })).toBeUndefined();
  });

  const config = fixtureConfig("two-hosts");
  test.each(config.cluster.nodes.map((node) => [node.name, node] as const))("%s: only control planes carry it, and the config validates", (_name, node) => {
    const documents = nodeMachineConfig(config.cluster, node, fakeSecretsBundle(), access);
    const features = v1alpha1(documents).machine.features;
    if (node.role === "controlplane") {
      expect(features.kubernetesTalosAPIAccess).toEqual({ enabled: true, allowedRoles: ["os:etcd:backup"], allowedKubernetesNamespaces: ["etcd-backup"] });
    } else {
      expect(features).not.toHaveProperty("kubernetesTalosAPIAccess");
    }
    expect(validateYamlDocuments(toYamlDocuments(documents))).toEqual([]);
  });

  it("is absent without backups", () => {
    for (const node of config.cluster.nodes) {
      expect(v1alpha1(nodeMachineConfig(config.cluster, node, fakeSecretsBundle())).machine.features).not.toHaveProperty("kubernetesTalosAPIAccess");
    }
  });
});
