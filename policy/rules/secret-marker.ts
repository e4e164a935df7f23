import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { isSecret as isPlanSecret } from "../../lib/secret-value";
import { isRecord } from "./types";

/**
 * How a rule tells a secret input value from a literal.
 *
 * - The offline plan records inputs with each secret leaf wrapped in its `Secret` class
 *   (lib/secret-value.ts, recognised by a global symbol brand).
 * - Inputs straight off the wire, as `pulumi.runtime` serialises them, carry
 *   `{ [specialSigKey]: specialSecretSig, value }`; both forms are recognised.
 * - `@pulumi/policy` (1.21) unwraps secrets before `validateResource`/`validateStack` see them
 *   (server.js deserialises with `proxySecrets: false`; pulumi/pulumi-policy#241 is the open
 *   request to expose secretness), so in the policy pack nothing is ever marked and rules that
 *   depend on it are reported as not applicable there.
 */

export function isMarkedSecret(value: unknown): boolean {
  if (isPlanSecret(value)) return true;
  return isRecord(value) && value[specialSigKey] === specialSecretSig;
}

/** The value inside a secret marker (the value itself when unmarked). */
export function unwrapMarker(value: unknown): unknown {
  if (isPlanSecret(value)) return value.value;
  if (isRecord(value) && value[specialSigKey] === specialSecretSig) return value.value;
  return value;
}

/** `value` with every marker removed, for rules that only look at shapes and plain settings. */
export function withoutMarkers(value: unknown): unknown {
  const inner = unwrapMarker(value);
  if (inner !== value) return withoutMarkers(inner);
  if (Array.isArray(value)) return value.map(withoutMarkers);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutMarkers(item)]));
  return value;
}
