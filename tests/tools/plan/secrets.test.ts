import fc from "fast-check";
import { Secret, containsSecret, decodeWire, encodeWire, isSecret, redact, unwrapSecrets, wire } from "../../../tools/plan/secrets";

const secretWire = (value: unknown) => ({ [wire.sigKey]: wire.secret, value });

describe("decodeWire", () => {
  test("keeps a secret leaf where it is instead of hoisting it to the top-level property", () => {
    const decoded = decodeWire({ values: { user: "admin", password: secretWire("hunter2") } }) as Record<string, Record<string, unknown>>;
    expect(isSecret(decoded.values)).toBe(false);
    expect(decoded.values.user).toBe("admin");
    expect(isSecret(decoded.values.password)).toBe(true);
    expect(unwrapSecrets(decoded)).toEqual({ values: { user: "admin", password: "hunter2" } });
  });

  test("turns resource references into their URN and unknowns into a marker", () => {
    const ref = { [wire.sigKey]: wire.resource, urn: "urn:pulumi:s::p::t::n", id: "i" };
    expect(decodeWire({ ref, later: wire.unknown })).toEqual({ ref: "urn:pulumi:s::p::t::n", later: "[unknown]" });
  });

  test("round-trips through encodeWire", () => {
    const original = { a: [1, secretWire({ b: "c" })], d: null };
    expect(encodeWire(decodeWire(original))).toEqual(original);
  });
});

describe("redact", () => {
  test("masks every leaf under a secret but keeps keys and array length", () => {
    const value = { plain: "x", whole: new Secret({ user: "u", keys: ["k1", "k2"] }) };
    expect(redact(value)).toEqual({ plain: "x", whole: { user: "[secret]", keys: ["[secret]", "[secret]"] } });
  });

  test("a Secret never prints its value, even by accident", () => {
    const s = new Secret("hunter2");
    expect(JSON.stringify({ s })).toBe('{"s":"[secret]"}');
    expect(`${s}`).toBe("[secret]");
    expect(require("node:util").inspect({ s })).not.toContain("hunter2");
  });

  test("property: no secret string survives redact, and unwrapSecrets restores the plain value", () => {
    const secretText = fc.string({ minLength: 12 }).map((s) => `SECRET-${s}`);
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom("a", "b", 1, true, null),
        secretText.map((s) => ({ secret: s })),
        fc.array(tie("node"), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom("x", "y", "z"), tie("node"), { maxKeys: 3 }),
      ),
    })).node;
    // Build the same tree twice: once with Secret markers, once plain.
    const build = (t: unknown, mark: boolean): unknown => {
      if (Array.isArray(t)) return t.map((v) => build(v, mark));
      if (t && typeof t === "object" && "secret" in t) return mark ? new Secret((t as { secret: string }).secret) : (t as { secret: string }).secret;
      if (t && typeof t === "object") return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, build(v, mark)]));
      return t;
    };
    fc.assert(
      fc.property(tree, (t) => {
        const marked = build(t, true);
        expect(JSON.stringify(redact(marked))).not.toContain("SECRET-");
        expect(unwrapSecrets(marked)).toEqual(build(t, false));
        expect(containsSecret(marked)).toBe(JSON.stringify(t).includes('"secret"'));
      }),
    );
  });
});
