import { PlatformNamespace } from "../../../components/platform-namespace";
import { findResource, resourcesOfType, unwrapSecrets, withMocks, type CapturedResource } from "../../helpers";

const types = {
  namespace: "kubernetes:core/v1:Namespace",
  policy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

let recorded: CapturedResource[];

beforeAll(async () => {
  recorded = await withMocks(() => {
    new PlatformNamespace("stateful", { name: "data", podSecurity: "restricted", holdsState: true });
    new PlatformNamespace("stateless", { name: "apps", podSecurity: "baseline" });
    new PlatformNamespace("explicitly-stateless", { name: "jobs", podSecurity: "restricted", holdsState: false });
  });
});

const policiesOf = (component: string) => resourcesOfType(recorded, types.policy).filter((p) => p.name.startsWith(`${component}-`));

describe("PlatformNamespace", () => {
  test("holdsState: the Namespace is protected and retained on delete, so its PVCs survive a destroy or rename", () => {
    const namespace = findResource(recorded, types.namespace, "stateful");
    expect((unwrapSecrets(namespace.inputs.metadata) as { name: string }).name).toBe("data");
    expect({ protect: namespace.protect, retainOnDelete: namespace.retainOnDelete }).toEqual({ protect: true, retainOnDelete: true });
  });

  test("without holdsState (left out or false) the Namespace is neither protected nor retained", () => {
    for (const name of ["stateless", "explicitly-stateless"]) {
      const namespace = findResource(recorded, types.namespace, name);
      expect({ name, protect: namespace.protect, retainOnDelete: Boolean(namespace.retainOnDelete) }).toEqual({
        name,
        protect: false,
        retainOnDelete: false,
      });
    }
  });

  test("only the Namespace is pinned: its policies hold no data and stay freely replaceable", () => {
    const policies = policiesOf("stateful");
    expect(policies.map((p) => p.name).sort()).toEqual(["stateful-allow-dns", "stateful-default-deny"]);
    for (const policy of policies) expect([policy.name, policy.protect]).toEqual([policy.name, false]);
  });
});
