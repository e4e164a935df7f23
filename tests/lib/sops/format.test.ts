/** Value-level pieces: Go-compatible number/bool/time text, the ENC string, key paths. */
import fc from "fast-check";
import {
  decryptEnc,
  encryptEnc,
  goFormatFloat,
  goTimeCanonical,
  parseGoBool,
  parseGoFloat,
  parseGoInt,
  plaintextToScalar,
  scalarToBytes,
  yamlTimestampToGo,
} from "../../../lib/sops/format";
import { aadFor, shouldBeEncrypted } from "../../../lib/sops/tree";
import { versionAtLeast } from "../../../lib/sops/metadata";

const key = Buffer.alloc(32, 7);

describe("goFormatFloat matches strconv.FormatFloat(v, 'f', -1, 64)", () => {
  test.each([
    [3.14, "3.14"],
    [1234568000, "1234568000"], // example.yaml's type:float value
    [7, "7"], // JSON ints stored as float64 by sops < 3.13.2
    [1e21, "1000000000000000000000"], // JS String() would say 1e+21
    [1.5e-7, "0.00000015"],
    [-2.5e-10, "-0.00000000025"],
    [1.2345e25, "12345000000000000000000000"],
    [0.1 + 0.2, "0.30000000000000004"],
    [-0, "-0"],
    [0, "0"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
    [NaN, "NaN"],
  ])("%p -> %s", (v, s) => {
    expect(goFormatFloat(v)).toBe(s);
  });

  test("never an exponent, and the text reads back to the same double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const s = goFormatFloat(v);
        expect(s).not.toMatch(/e/i);
        expect(Object.is(parseGoFloat(s), v)).toBe(true);
      }),
    );
  });
});

describe("Go parsers", () => {
  test("ParseBool accepts Go's spellings only", () => {
    expect(["1", "t", "T", "TRUE", "true", "True"].map(parseGoBool)).toStrictEqual(Array(6).fill(true));
    expect(["0", "f", "F", "FALSE", "false", "False"].map(parseGoBool)).toStrictEqual(Array(6).fill(false));
    expect(() => parseGoBool("yes")).toThrow("not a boolean");
  });

  test("Atoi keeps int64 precision and range", () => {
    expect(parseGoInt("9007199254740993")).toBe(9007199254740993n);
    expect(parseGoInt("-9223372036854775808")).toBe(-(2n ** 63n));
    expect(() => parseGoInt("9223372036854775808")).toThrow("int64");
    expect(() => parseGoInt("1.0")).toThrow("not a decimal integer");
  });

  test("ParseFloat specials", () => {
    expect(parseGoFloat("+Inf")).toBe(Infinity);
    expect(parseGoFloat("-inf")).toBe(-Infinity);
    expect(parseGoFloat("NaN")).toBeNaN();
    expect(() => parseGoFloat("1e400")).toThrow("range");
  });

  test("a bool plaintext is re-serialised Titlecase for the MAC, whatever spelling was stored", () => {
    const s = plaintextToScalar("bool", Buffer.from("true"));
    expect(Buffer.from(scalarToBytes(s)).toString()).toBe("True");
  });
});

describe("time text as Go marshals it", () => {
  test.each([
    ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"],
    ["2024-01-01T10:20:30.500000000+02:00", "2024-01-01T10:20:30.5+02:00", "2024-01-01T10:20:30+02:00"],
    ["2024-01-01T10:20:30.000+00:00", "2024-01-01T10:20:30Z", "2024-01-01T10:20:30Z"],
  ])("%s", (input, nano, seconds) => {
    expect(goTimeCanonical(input, true)).toBe(nano);
    expect(goTimeCanonical(input, false)).toBe(seconds);
  });

  test("invalid times are rejected", () => {
    expect(goTimeCanonical("2023-02-29T00:00:00Z", true)).toBeUndefined();
    expect(goTimeCanonical("2024-02-29T00:00:00Z", true)).toBe("2024-02-29T00:00:00Z");
    expect(goTimeCanonical("yesterday", true)).toBeUndefined();
  });

  test.each([
    ["2024-01-01", "2024-01-01T00:00:00Z"],
    ["2024-1-2", "2024-01-02T00:00:00Z"],
    ["2024-01-02 03:04:05.25", "2024-01-02T03:04:05.25Z"],
    ["2024-01-02t03:04:05-07:00", "2024-01-02T03:04:05-07:00"],
    ["2024-01-02T03:04:05", undefined], // a T without a zone is not one of go-yaml's layouts
    ["20240102", undefined],
  ])("YAML timestamp %s", (input, out) => {
    expect(yamlTimestampToGo(input)).toBe(out);
  });
});

describe("ENC values", () => {
  test("round trip, and the AAD is bound", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (plain, aad) => {
        const enc = encryptEnc(Buffer.from(plain), "str", key, aad);
        expect(enc).toMatch(/^ENC\[AES256_GCM,data:[^,]+,iv:[A-Za-z0-9+/]{43}=,tag:[A-Za-z0-9+/]{22}==,type:str\]$/);
        const { type, plaintext } = decryptEnc(enc, key, aad);
        expect([type, plaintext.toString()]).toStrictEqual(["str", plain]);
        expect(() => decryptEnc(enc, key, `${aad}x`)).toThrow("authentication failed");
      }),
      { numRuns: 50 },
    );
  });

  test("lenient base64 (missing padding) is refused as Go's decoder does", () => {
    const enc = encryptEnc(Buffer.from("ab"), "str", key, "a:");
    const unpadded = enc.replace(/data:([^,]+)=+,/, "data:$1,");
    expect(unpadded).not.toBe(enc);
    expect(() => decryptEnc(unpadded, key, "a:")).toThrow("not valid base64");
  });

  test("unknown types are refused; the error does not quote the plaintext", () => {
    const enc = encryptEnc(Buffer.from("s3cret"), "str", key, "a:").replace("type:str", "type:weird");
    const { type, plaintext } = decryptEnc(enc, key, "a:");
    expect(() => plaintextToScalar(type, plaintext)).toThrow('unknown value type "weird"');
    let message = "";
    try {
      plaintextToScalar("int", Buffer.from("s3cret"));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe("a type:int value is not a decimal integer");
  });
});

describe("key paths", () => {
  test("the AAD joins map keys with ':' and ends with ':'", () => {
    expect(aadFor([])).toBe(":");
    expect(aadFor(["phoneNumbers", "number"])).toBe("phoneNumbers:number:");
  });

  test("rules test every key on the path", () => {
    const rules = { unencryptedSuffix: "_unencrypted", macOnlyEncrypted: false };
    expect(shouldBeEncrypted(["a", "b"], rules)).toBe(true);
    expect(shouldBeEncrypted(["a_unencrypted", "b"], rules)).toBe(false);
    const regex = { encryptedRegex: /^(data|stringData)$/, macOnlyEncrypted: false };
    expect(shouldBeEncrypted(["stringData", "key"], regex)).toBe(true);
    expect(shouldBeEncrypted(["metadata", "name"], regex)).toBe(false);
    expect(shouldBeEncrypted([], regex)).toBe(false);
  });

  test("version gates", () => {
    expect(versionAtLeast("3.9.4", [3, 10, 0])).toBe(false);
    expect(versionAtLeast("3.10.0", [3, 10, 0])).toBe(true);
    expect(versionAtLeast("3.13.1", [3, 13, 2])).toBe(false);
    expect(versionAtLeast("4.0.0", [3, 13, 2])).toBe(true);
    expect(versionAtLeast(undefined, [3, 10, 0])).toBe(true);
  });
});
