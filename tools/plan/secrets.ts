/**
 * Secret-aware values for the plan: decode Pulumi's wire format without losing which LEAVES are
 * secret, and turn them back into plain values or "[secret]".
 *
 * Why not `runtime.deserializeProperties`: it hoists secretness to the top-level property (a helm
 * `values` object with one secret leaf becomes one opaque secret), so the rendered values could
 * show nothing. Decoding the raw Struct ourselves keeps the marker exactly where the program put it.
 */

import { REDACTED, Secret, isSecret } from "../../lib/secret-value";

export { REDACTED, Secret, isSecret } from "../../lib/secret-value";

/** Pulumi's wire signatures (runtime/rpc.js). Copied, not imported, so this module stays SDK-free. */
export const wire = {
  sigKey: "4dabf18193072939515e22adb298388d",
  secret: "1b47061264138c4ac30d75fd1eb44270",
  asset: "c44067f5952c0a294b673a41bacd8c17",
  archive: "0def7320c3a5731c473e5ecbe6d01bc7",
  resource: "5cf8f73096256a8f31e491e813e4eb8e",
  outputValue: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
  unknown: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
} as const;

export const UNKNOWN = "[unknown]";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isSecret(value);
}

/**
 * Wire (Struct.toJavaScript()) → plan value. Secrets become `Secret`, resource references their
 * URN (what a policy or reviewer wants to see), unknowns the string "[unknown]".
 */
export function decodeWire(value: unknown): unknown {
  if (value === wire.unknown) return UNKNOWN;
  if (Array.isArray(value)) return value.map(decodeWire);
  if (!isPlainObject(value)) return value;
  switch (value[wire.sigKey]) {
    case undefined:
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeWire(v)]));
    case wire.secret:
      return new Secret(decodeWire(value.value));
    case wire.resource:
      return value.urn;
    case wire.outputValue: {
      const inner = "value" in value ? decodeWire(value.value) : UNKNOWN;
      return value.secret === true ? new Secret(inner) : inner;
    }
    case wire.asset:
    case wire.archive: {
      const { [wire.sigKey]: sig, ...rest } = value;
      return { [sig === wire.asset ? "asset" : "archive"]: decodeWire(rest) };
    }
    default:
      return value;
  }
}

/** Plan value → wire, so simulated state keeps secret markers when handed back to the SDK. */
export function encodeWire(value: unknown): unknown {
  if (isSecret(value)) return { [wire.sigKey]: wire.secret, value: encodeWire(value.value) };
  if (Array.isArray(value)) return value.map(encodeWire);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encodeWire(v);
    return out;
  }
  return value === undefined ? null : value;
}

/** The plain value, every secret marker removed (for simulation and for code that computes). */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}

/**
 * Every secret leaf replaced by "[secret]". Under a secret object or array the shape (keys,
 * length) is kept and each leaf masked: reviewers see which settings exist without their values.
 */
export function redact(value: unknown): unknown {
  return redactUnder(value, false);
}

function redactUnder(value: unknown, insideSecret: boolean): unknown {
  if (isSecret(value)) return redactUnder(value.value, true);
  if (Array.isArray(value)) return value.map((v) => redactUnder(v, insideSecret));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactUnder(v, insideSecret)]));
  }
  return insideSecret && value !== null && value !== undefined ? REDACTED : value;
}

/** True when the value or anything inside it is secret. */
export function containsSecret(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (isPlainObject(value)) return Object.values(value).some(containsSecret);
  return false;
}
