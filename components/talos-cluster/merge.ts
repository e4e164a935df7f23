/**
 * How per-node patches from stack config (`cluster.nodes[].patches`) change the generated
 * machine config. The rules are ours, kept small so a reviewer can predict the result:
 *
 * - maps merge key by key, recursively;
 * - lists and scalars in the patch replace the generated value (Talos's own strategic merge
 *   appends to some lists and not others; replacing is one rule to remember);
 * - `null` removes the key;
 * - anything that is not a plain object (a secret Output, say) is a value, never merged into.
 *
 * A patch without `kind` applies to the v1alpha1 document. A patch with `kind` (Talos 1.12+
 * documents such as LinkConfig or VolumeConfig) merges into the generated document of that kind
 * and `name`, or is appended as a new document when there is none.
 */

/** A document after patching: the generated shape plus whatever keys the patch added. */
export type PatchedDocument = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** `base` with `patch` merged over it; neither argument is modified. */
export function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    // JSON.parse makes "__proto__" an own key; assigning it would swap the prototype instead.
    if (key === "__proto__") throw new Error('a machine-config patch may not contain the key "__proto__"');
    if (value === null) {
      delete merged[key];
    } else if (isPlainObject(value) && isPlainObject(merged[key])) {
      merged[key] = deepMerge(merged[key], value);
    } else {
      merged[key] = isPlainObject(value) ? stripNulls(value) : value;
    }
  }
  return merged;
}

/** A map a patch introduces where none existed: nulls in it have nothing to remove. */
function stripNulls(value: Record<string, unknown>): Record<string, unknown> {
  return deepMerge({}, value);
}

function targets(document: object, patch: Record<string, unknown>): boolean {
  const fields = document as Record<string, unknown>;
  if (patch.kind === undefined) return fields.version === "v1alpha1";
  return fields.kind === patch.kind && (patch.name === undefined || fields.name === patch.name);
}

/** Applies `patches` in order over `documents` (see the rules above). */
export function applyPatches<Document extends object>(
  documents: readonly Document[],
  patches: readonly Record<string, unknown>[],
): (Document | PatchedDocument)[] {
  const result: (Document | PatchedDocument)[] = [...documents];
  for (const patch of patches) {
    const index = result.findIndex((document) => targets(document, patch));
    if (index >= 0) {
      result[index] = deepMerge(result[index] as Record<string, unknown>, patch);
    } else if (patch.kind !== undefined) {
      result.push(stripNulls(patch));
    } else {
      throw new Error("a machine-config patch without `kind` needs the v1alpha1 document, which is missing");
    }
  }
  return result;
}
