import type { PlatformConfig } from "../../../config/schema";
import { resourcesOfType, unwrapSecrets, valueOf } from "../../helpers";
import { renderCluster } from "./helpers/render";
import { stackConfig, withCluster } from "../../helpers/stack-config";

/**
 * Logical names are identity: an edit to sizing, tags or the Talos version must leave every URN
 * and every VM id as it was, so Pulumi updates in place instead of replacing.
 */

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const DOWNLOAD = "proxmoxve:download/file:File";
type Plain = Record<string, unknown>;

interface Snapshot {
  readonly urns: string[];
  readonly vms: Map<string, { id?: string; inputs: Plain }>;
  readonly downloads: Map<string, Plain>;
}

async function snapshot(config: PlatformConfig): Promise<Snapshot> {
  const { resources, cluster } = await renderCluster(config);
  // The VM ids the provider returned, as the component's VM resources carry them.
  const vmIds = new Map(await Promise.all(Object.values(cluster.vms).map(async (vm) => [await valueOf(vm.urn), await valueOf(vm.id)] as const)));
  const vms = resourcesOfType(resources, VM);
  if (vms.length === 0 || vms.some((vm) => !vmIds.get(vm.urn))) throw new Error("snapshot: a registered VM has no id");
  const inputsByUrn = (type: string) => resourcesOfType(resources, type).map((r) => [r.urn, unwrapSecrets(r.inputs) as Plain] as const);
  return {
    urns: resources.map((r) => r.urn).sort(),
    vms: new Map(inputsByUrn(VM).map(([urn, inputs]) => [urn, { id: vmIds.get(urn), inputs }])),
    downloads: new Map(inputsByUrn(DOWNLOAD)),
  };
}

describe.each(["home", "lab"] as const)("the %s stack", (stack) => {
  const base = stackConfig(stack);
  let before: Snapshot;
  beforeAll(async () => {
    before = await snapshot(base);
  });

  test("resizing every node (cores, memory, disk, tags) keeps every URN and VM id", async () => {
    const resized = withCluster(base, (cluster) => ({
      ...cluster,
      nodes: cluster.nodes.map((node) => ({
        ...node,
        cores: node.cores + 2,
        memoryMiB: node.memoryMiB * 2,
        diskGiB: node.diskGiB + 20,
        tags: [...node.tags, "resized"],
      })),
    }));
    const after = await snapshot(resized);
    expect(after.urns).toEqual(before.urns);
    for (const [urn, vm] of before.vms) {
      const changed = after.vms.get(urn);
      expect(changed?.id).toBe(vm.id);
      // The edit did reach the VM: this comparison is about identity, not a no-op.
      expect((changed?.inputs.cpu as Plain).cores).toBe((vm.inputs.cpu as Plain).cores as number + 2);
      expect((changed?.inputs.memory as Plain).dedicated).toBe(((vm.inputs.memory as Plain).dedicated as number) * 2);
    }
  });

  test("a new Talos version downloads a new file under the same logical names", async () => {
    const upgraded = withCluster(base, (cluster) => ({ ...cluster, talosVersion: "v1.13.10" }));
    const after = await snapshot(upgraded);
    expect(after.urns).toEqual(before.urns);
    for (const [urn, download] of before.downloads) {
      expect(after.downloads.get(urn)?.fileName).not.toBe(download.fileName);
      expect(after.downloads.get(urn)?.url).toContain("/v1.13.10/");
    }
    for (const [urn, vm] of before.vms) expect(after.vms.get(urn)?.id).toBe(vm.id);
  });
});
