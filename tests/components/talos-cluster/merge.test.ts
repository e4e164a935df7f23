import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { applyPatches, deepMerge } from "../../../components/talos-cluster/merge";

describe("deepMerge", () => {
  test("maps merge key by key, at any depth", () => {
    const base = { machine: { kubelet: { image: "a", extraArgs: { x: "1" } }, type: "worker" } };
    const patch = { machine: { kubelet: { extraArgs: { y: "2" } } } };
    expect(deepMerge(base, patch)).toEqual({ machine: { kubelet: { image: "a", extraArgs: { x: "1", y: "2" } }, type: "worker" } });
  });

  test("lists replace instead of appending", () => {
    expect(deepMerge({ certSANs: ["10.0.0.1", "10.0.0.2"] }, { certSANs: ["node.example"] })).toEqual({ certSANs: ["node.example"] });
  });

  test("null removes a key; nulls inside a new map are dropped", () => {
    expect(deepMerge({ a: 1, b: { c: 2 } }, { a: null, d: { e: null, f: 3 } })).toEqual({ b: { c: 2 }, d: { f: 3 } });
  });

  test("a map replaces a scalar and a scalar replaces a map", () => {
    expect(deepMerge({ a: "x", b: { c: 1 } }, { a: { y: 1 }, b: "z" })).toEqual({ a: { y: 1 }, b: "z" });
  });

  test("Outputs are values, never merged into", () => {
    const secret = pulumi.secret("s3cr3t");
    const merged = deepMerge({ cluster: { secret } }, { cluster: { id: "x" } });
    expect((merged.cluster as Record<string, unknown>).secret).toBe(secret);
  });

  test("neither argument is modified", () => {
    const base = { a: { b: [1] } };
    const patch = { a: { c: 2 } };
    const snapshot = structuredClone({ base, patch });
    deepMerge(base, patch);
    expect({ base, patch }).toEqual(snapshot);
  });

  test('a "__proto__" key (as JSON.parse produces it) is refused, not merged into the prototype', () => {
    expect(() => deepMerge({}, JSON.parse('{"__proto__": {"polluted": true}}'))).toThrow(/__proto__/);
  });

  const json = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 4 }).filter((key) => key !== "__proto__"),
    fc.jsonValue({ maxDepth: 3 }),
  );

  test("property: every scalar and list of a patch without nulls ends up in the result as given", () => {
    fc.assert(
      fc.property(json, json, (base, patch) => {
        fc.pre(!JSON.stringify(patch).includes("null") && !JSON.stringify(patch).includes('"__proto__"'));
        const merged = deepMerge(base, patch);
        const check = (patchPart: unknown, mergedPart: unknown): boolean => {
          if (typeof patchPart !== "object" || patchPart === null || Array.isArray(patchPart)) {
            return JSON.stringify(patchPart) === JSON.stringify(mergedPart);
          }
          return Object.entries(patchPart).every(([key, value]) => check(value, (mergedPart as Record<string, unknown>)[key]));
        };
        return check(patch, merged);
      }),
    );
  });

  test("property: keys the patch does not mention keep their value", () => {
    fc.assert(
      fc.property(json, json, (base, patch) => {
        fc.pre(!JSON.stringify(patch).includes('"__proto__"'));
        const merged = deepMerge(base, patch);
        return Object.keys(base)
          .filter((key) => !(key in patch))
          .every((key) => JSON.stringify(merged[key]) === JSON.stringify(base[key]));
      }),
    );
  });
});

describe("applyPatches", () => {
  const generated = [
    { version: "v1alpha1", machine: { type: "worker" } },
    { apiVersion: "v1alpha1", kind: "LinkConfig", name: "net0", mtu: 1500 },
  ];

  test("a patch without kind goes to the v1alpha1 document", () => {
    const [config, link] = applyPatches(generated, [{ machine: { sysctls: { a: "1" } } }]);
    expect(config).toEqual({ version: "v1alpha1", machine: { type: "worker", sysctls: { a: "1" } } });
    expect(link).toBe(generated[1]);
  });

  test("a patch with kind and name merges into that document", () => {
    const result = applyPatches(generated, [{ apiVersion: "v1alpha1", kind: "LinkConfig", name: "net0", mtu: 9000 }]);
    expect(result[1]).toEqual({ apiVersion: "v1alpha1", kind: "LinkConfig", name: "net0", mtu: 9000 });
    expect(result).toHaveLength(2);
  });

  test("a document of a kind we do not generate is appended", () => {
    const volume = { apiVersion: "v1alpha1", kind: "UserVolumeConfig", name: "data", provisioning: { maxSize: "50GiB" } };
    const result = applyPatches(generated, [volume]);
    expect(result).toHaveLength(3);
    expect(result[2]).toEqual(volume);
  });

  test("patches apply in order", () => {
    const [config] = applyPatches(generated, [{ machine: { a: "1" } }, { machine: { a: "2" } }]);
    expect((config as { machine: Record<string, unknown> }).machine.a).toBe("2");
  });
});
