/**
 * One SOPS value: the `ENC[AES256_GCM,...]` string, its typed plaintext, and the exact bytes
 * SOPS feeds to the MAC. Mirrors getsops/sops `aes/cipher.go` and `sops.go ToBytes`.
 *
 * Functions here throw plain `Error`s whose messages describe the problem but never contain the
 * value; tree.ts wraps them into a SopsError that names the key path.
 */
import crypto from "node:crypto";

export type Scalar =
  | { type: "str"; value: string }
  | { type: "int"; value: bigint }
  | { type: "float"; value: number }
  | { type: "bool"; value: boolean }
  /** RFC 3339 text as Go's `time.Time.MarshalText` writes it (a JS Date would drop the offset and nanoseconds). */
  | { type: "time"; value: string }
  | { type: "bytes"; value: Uint8Array };

export type ValueType = Scalar["type"] | "comment";

// Same expression as sops (greedy, not anchored at the end), so the same strings are accepted.
const ENC_PATTERN = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const GCM_TAG_BYTES = 16;
// sops uses a 32-byte GCM nonce (aes/cipher.go `nonceSize`), not the usual 12.
const SOPS_IV_BYTES = 32;

export function isEncValue(s: string): boolean {
  return ENC_PATTERN.test(s);
}

/** Decrypts one ENC string. Returns the type tag and the raw plaintext bytes. */
export function decryptEnc(enc: string, key: Uint8Array, aad: string): { type: string; plaintext: Buffer } {
  const m = ENC_PATTERN.exec(enc);
  if (!m) throw new Error("the value is not in sops' ENC[AES256_GCM,...] format");
  const [, data, iv, tag, type] = m as unknown as [string, string, string, string, string];
  const bytes = (field: string, text: string): Buffer => {
    // Go's StdEncoding rejects what Node's lenient decoder would silently accept.
    if (!STRICT_BASE64.test(text)) throw new Error(`the ${field} field is not valid base64`);
    return Buffer.from(text, "base64");
  };
  const dataBytes = bytes("data", data);
  const ivBytes = bytes("iv", iv);
  const tagBytes = bytes("tag", tag);
  if (ivBytes.length === 0) throw new Error("the iv field is empty");
  if (tagBytes.length !== GCM_TAG_BYTES) throw new Error(`the tag is ${tagBytes.length} bytes, expected ${GCM_TAG_BYTES}`);
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, ivBytes, { authTagLength: GCM_TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(tagBytes);
    return { type, plaintext: Buffer.concat([decipher.update(dataBytes), decipher.final()]) };
  } catch {
    throw new Error("AES-GCM authentication failed (wrong data key, moved or tampered value)");
  }
}

/** Encrypts plaintext bytes the way sops does: fresh 32-byte IV, AAD = the key path. */
export function encryptEnc(plaintext: Uint8Array, type: ValueType, key: Uint8Array, aad: string): string {
  const iv = crypto.randomBytes(SOPS_IV_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv, { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString("base64")},iv:${iv.toString("base64")},tag:${tag.toString("base64")},type:${type}]`;
}

/** Parses decrypted bytes by their type tag, like `aes.Cipher.Decrypt`. */
export function plaintextToScalar(type: string, plaintext: Buffer): Scalar {
  const text = plaintext.toString("utf8");
  switch (type) {
    case "str":
      return { type: "str", value: text };
    case "int":
      return { type: "int", value: parseGoInt(text) };
    case "float":
      return { type: "float", value: parseGoFloat(text) };
    case "bool":
      return { type: "bool", value: parseGoBool(text) };
    case "time": {
      const canonical = goTimeCanonical(text, true);
      if (canonical === undefined) throw new Error("a type:time value is not RFC 3339");
      return { type: "time", value: canonical };
    }
    case "bytes":
      return { type: "bytes", value: new Uint8Array(plaintext) };
    default:
      throw new Error(`unknown value type "${type.slice(0, 20)}"`);
  }
}

/**
 * The bytes sops hashes into the MAC for a value (`sops.go ToBytes`), which are also the
 * plaintext it encrypts. Non-string values are re-serialised from their parsed form, so a
 * cleartext YAML `1.50` hashes as `1.5` and `true` as `True`.
 */
export function scalarToBytes(s: Scalar): Uint8Array {
  switch (s.type) {
    case "str":
    case "time":
      return Buffer.from(s.value, "utf8");
    case "int":
      return Buffer.from(s.value.toString(), "utf8");
    case "float":
      return Buffer.from(goFormatFloat(s.value), "utf8");
    case "bool":
      // "The Python version encodes booleans with Titlecase" (sops source), and the Go one kept it.
      return Buffer.from(s.value ? "True" : "False", "utf8");
    case "bytes":
      return s.value;
  }
}

/** The JS value handed to callers: ints as numbers unless they exceed 2^53, bytes as Uint8Array. */
export function scalarToJs(s: Scalar): string | number | bigint | boolean | Uint8Array {
  if (s.type === "int") {
    const n = Number(s.value);
    return Number.isSafeInteger(n) ? n : s.value;
  }
  return s.value;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `strconv.Atoi` on a 64-bit platform. */
export function parseGoInt(text: string): bigint {
  if (!/^[+-]?\d+$/.test(text)) throw new Error("a type:int value is not a decimal integer");
  const v = BigInt(text);
  if (v < INT64_MIN || v > INT64_MAX) throw new Error("a type:int value is out of the int64 range");
  return v;
}

/** `strconv.ParseFloat(s, 64)` for the decimal forms and the special values sops can write. */
export function parseGoFloat(text: string): number {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error("a type:float value is not a decimal number");
  const v = Number(text);
  if (!Number.isFinite(v)) throw new Error("a type:float value is out of the float64 range");
  return v;
}

/** `strconv.ParseBool`. */
export function parseGoBool(text: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  throw new Error("a type:bool value is not a boolean");
}

/**
 * Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip digits, never an exponent.
 * JS `String()` picks the same shortest digits (both choose the candidate closest to the
 * exact value) but switches to exponent form beyond 1e21 / below 1e-6, so expand it.
 */
export function goFormatFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const s = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, intPart, frac = "", exp] = m as unknown as [string, string, string, string | undefined, string];
  const digits = intPart + frac;
  const point = intPart.length + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses RFC 3339 and re-formats it as Go does after `time.Parse`: same wall clock and offset,
 * `Z` for a zero offset, fraction trimmed of trailing zeros (nano) or dropped (`time.RFC3339`).
 * The MAC's AAD is `lastmodified` in the non-nano form; `type:time` values use the nano form.
 */
export function goTimeCanonical(text: string, nano: boolean): string | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[];
  return formatGoTime([y!, mo!, d!, h!, mi!, s!], nano ? frac : undefined, zone!);
}

// go-yaml v3 `parseTimestamp` layouts: date fields may be one digit, and a time separated by a
// space carries no zone (it is UTC).
const YAML_TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?))?$/;

/**
 * The RFC 3339 (nano) text of a plain YAML scalar that sops >= 3.10 reads as a timestamp, or
 * undefined when it is not one (then it stays a string, as in older sops).
 */
export function yamlTimestampToGo(text: string): string | undefined {
  const m = YAML_TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h1, mi1, s1, f1, zone, h2, mi2, s2, f2] = m;
  const pad = (v: string | undefined): string => (v ?? "0").padStart(2, "0");
  const spaced = h2 !== undefined;
  const fields = [y!, pad(mo), pad(d), pad(spaced ? h2 : h1), pad(spaced ? mi2 : mi1), pad(spaced ? s2 : s1)];
  return formatGoTime(fields, spaced ? f2 : f1, zone ?? "Z");
}

function formatGoTime(f: string[], frac: string | undefined, zone: string): string | undefined {
  const [y, mo, d, h, mi, s] = f.map(Number) as [number, number, number, number, number, number];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const daysInMonth = mo === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59) return undefined;
  const trimmed = (frac ?? "").slice(0, 10).replace(/0+$/, "");
  const fraction = trimmed === "." ? "" : trimmed;
  const z = zone === "Z" || /^[+-]00:00$/.test(zone) ? "Z" : zone;
  return `${f[0]}-${f[1]}-${f[2]}T${f[3]}:${f[4]}:${f[5]}${fraction}${z}`;
}
