import { createUrn } from "@pulumi/pulumi/resource";
import { urnFor } from "../../../tools/plan/recorder";

// The oracle is the SDK's own `createUrn`, which mirrors how the engine names resources (the
// mock monitor's private `newUrn` does not, which is why the plan has its own).
const engineUrn = (parent: string | undefined, type: string, name: string) =>
  new Promise<string>((resolve) => createUrn(name, type, parent, "home-platform", "home").apply(resolve));

describe("plan URNs match the engine's", () => {
  const stackUrn = "urn:pulumi:home::home-platform::pulumi:pulumi:Stack::home-platform-home";
  const component = "urn:pulumi:home::home-platform::platform:talos:Cluster::home";
  const nested = "urn:pulumi:home::home-platform::platform:talos:Cluster$platform:talos:Node::cp-1";

  test.each([
    ["the root stack", undefined, "pulumi:pulumi:Stack", "home-platform-home"],
    ["a child of the root stack (the Stack type is left out)", stackUrn, "platform:talos:Cluster", "home"],
    ["a child of a component", component, "platform:talos:Node", "cp-1"],
    ["a grandchild (the whole parent type chain is kept)", nested, "proxmoxve:index/vmLegacy:VmLegacy", "cp-1"],
  ])("%s", async (_what, parent, type, name) => {
    expect(urnFor("home-platform", "home", parent, type, name)).toBe(await engineUrn(parent, type, name));
  });

  test("a grandchild's URN spelled out", () => {
    expect(urnFor("home-platform", "home", nested, "proxmoxve:index/vmLegacy:VmLegacy", "cp-1")).toBe(
      "urn:pulumi:home::home-platform::platform:talos:Cluster$platform:talos:Node$proxmoxve:index/vmLegacy:VmLegacy::cp-1",
    );
  });
});
