import { helmReleaseTypes } from "./kubernetes";
import { isMarkedSecret, unwrapMarker } from "./secret-marker";
import { isRecord, type PolicyResource, type ResourceRule, type Violation } from "./types";

/**
 * Secret values must come from secret Outputs (the SOPS file), never from literals in code or
 * config: a literal is stored in plain text in the program and shows in every preview.
 *
 * Both rules need to see which values are secret, which only the offline plan can (see
 * `secret-marker.ts`); in the policy pack they report themselves not applicable.
 */

function isSecretKind(resource: PolicyResource): boolean {
  return resource.inputs.kind === "Secret" && /^kubernetes:(core\/)?v1:Secret$/.test(resource.type);
}

/** Entries of `map` (itself possibly marked) that are neither marked nor inside a marked map. */
function unmarkedEntries(map: unknown): string[] {
  if (map === undefined || map === null || isMarkedSecret(map)) return [];
  if (!isRecord(map)) return [];
  return Object.entries(map)
    .filter(([, value]) => !isMarkedSecret(value))
    .map(([key]) => key);
}

function markedEntries(map: unknown): string[] {
  const inner = unwrapMarker(map);
  if (isMarkedSecret(map)) return isRecord(inner) ? Object.keys(inner) : ["(all)"];
  if (!isRecord(inner)) return [];
  return Object.entries(inner)
    .filter(([, value]) => isMarkedSecret(value))
    .map(([key]) => key);
}

/**
 * `secret-data-from-secrets` (mandatory):
 * - a Kubernetes Secret's `data`/`stringData` values are secret Outputs. Note that
 *   `@pulumi/kubernetes`' typed `core.v1.Secret` wraps both fields in `pulumi.secret()` itself,
 *   which hides whether each value was a literal: for those this holds by construction, and the
 *   rule catches Secrets registered another way (a CustomResource of kind Secret, raw manifests);
 * - a ConfigMap holds no secret Output: ConfigMaps are readable by anyone with `get` on them and
 *   shown in plain text by kubectl, so a secret put there leaks despite Pulumi encrypting its state.
 */
export const secretDataFromSecrets: ResourceRule = {
  kind: "resource",
  name: "secret-data-from-secrets",
  description: "Kubernetes Secret data comes from secret Outputs, and no secret Output is written into a ConfigMap.",
  enforcement: "mandatory",
  needsSecretMarkers: true,
  check(resource): Violation[] {
    if (isSecretKind(resource)) {
      return (["data", "stringData"] as const).flatMap((field) =>
        unmarkedEntries(resource.inputs[field]).map((key) => ({
          message: `Secret ${field}.${key} is a plain value: build it from a secret Output (secrets file), not a literal`,
        })),
      );
    }
    if (resource.type === "kubernetes:core/v1:ConfigMap") {
      return (["data", "binaryData"] as const).flatMap((field) =>
        markedEntries(resource.inputs[field]).map((key) => ({
          message: `ConfigMap ${field}.${key} holds a secret Output: ConfigMaps are plain text in the cluster, use a Secret`,
        })),
      );
    }
    return [];
  },
};

/** Helm value keys that hold a credential themselves (not the name of a Secret or of a key in one). */
const credentialKey = /(password|token|secret_?key|access_?key|api_?key|client_?secret|private_?key|webhook_?url)$/i;

function plainCredentials(value: unknown, path: string, found: string[]): void {
  if (isMarkedSecret(value)) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => plainCredentials(item, `${path}[${index}]`, found));
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = `${path}.${key}`;
    if (credentialKey.test(key) && typeof item === "string" && item !== "" && !item.startsWith("[unknown")) found.push(itemPath);
    else plainCredentials(item, itemPath, found);
  }
}

/**
 * `helm-credentials-secret` (advisory): a Helm value whose key names a credential (…password,
 * …token, accessKey, webhookUrl, …) is a secret Output or empty. Advisory because it goes by key
 * names: prefer `existingSecret`-style values, which this rule does not flag.
 */
export const helmCredentialsSecret: ResourceRule = {
  kind: "resource",
  name: "helm-credentials-secret",
  description: "Helm values whose key names a credential are secret Outputs (or point to an existing Secret instead).",
  enforcement: "advisory",
  needsSecretMarkers: true,
  check(resource): Violation[] {
    if (!helmReleaseTypes.has(resource.type)) return [];
    const found: string[] = [];
    plainCredentials(resource.inputs.values, "values", found);
    return found.map((path) => ({ message: `${path} looks like a credential but is a plain value: pass a secret Output or an existing Secret` }));
  },
};
