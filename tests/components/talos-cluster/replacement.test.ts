import { applyCommandOptions } from "../../../components/talos-cluster/commands";
import { nodeVmOptions } from "../../../components/talos-cluster/vm";
import { type Rendered, renderCluster } from "./helpers/render";
import { stackConfig } from "../../helpers/stack-config";

/**
 * What happens when a node's VM is replaced. The plan's recorder does not capture
 * `replaceWith` or `deleteBeforeReplace`, so these check the option builders the component uses.
 */

const config = stackConfig("home");
let rendered: Rendered;
beforeAll(async () => {
  rendered = await renderCluster(config);
});

test("a node's VM is deleted before its replacement is created (same vmId), and stays protected", () => {
  const parent = { parent: rendered.cluster };
  const options = nodeVmOptions(parent);
  expect(options).toMatchObject({ parent: rendered.cluster, protect: true, deleteBeforeReplace: true, ignoreChanges: ["disks[0].fileId"] });
});

test("the apply command waits for its VM and is replaced with it, so a new VM gets its first config again", () => {
  const vm = rendered.cluster.vms[config.cluster.nodes[0].name];
  const options = applyCommandOptions(vm, rendered.cluster);
  // Identity, not deep equality (resources compare equal field by field): exactly its own VM,
  // so replacing one node never re-runs the first apply on another.
  expect(options.replaceWith).toHaveLength(1);
  expect(options.replaceWith?.[0]).toBe(vm);
  expect(options.dependsOn).toHaveLength(1);
  expect((options.dependsOn as unknown[])[0]).toBe(vm);
  expect(options.parent).toBe(rendered.cluster);
});
