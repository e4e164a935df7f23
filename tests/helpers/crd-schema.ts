import * as fs from "node:fs";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import * as YAML from "yaml";
import { sharedDir } from "../../tools/shared-path";

/**
 * Validates objects we build against a CustomResourceDefinition's openAPIV3Schema, read from the
 * shared reference folder (`reference/crds/<file>`):
 *
 *   expect(crdErrors(route, "gateway.networking.k8s.io_tcproutes-v1.6.1.yaml")).toEqual([]);
 *
 * Stricter than the API server in one way, on purpose: where the schema lists `properties` and
 * does not set `x-kubernetes-preserve-unknown-fields`, unknown fields are errors. The API server
 * would silently prune them, which turns a typo into a setting that quietly does nothing.
 *
 * Not checked: `x-kubernetes-validations` (CEL rules); assert those conditions in the test itself.
 * Go regular expressions are translated: an inline `(?i)` makes the whole pattern case-insensitive
 * (slightly looser than Go when the flag sits mid-pattern).
 */

interface CrdVersion {
  name: string;
  served: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
}

interface Crd {
  spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

const cache = new Map<string, ValidateFunction>();

/** Problems with `object` under the CRD in `crdFile`, one line each; [] when it is valid. */
export function crdErrors(object: unknown, crdFile: string): string[] {
  const crd = loadCrd(crdFile);
  const { apiVersion, kind } = (object ?? {}) as { apiVersion?: unknown; kind?: unknown };
  if (typeof apiVersion !== "string" || typeof kind !== "string") return ["object has no apiVersion/kind"];
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion];
  if (group !== crd.spec.group) return [`apiVersion group ${group} is not the CRD's group ${crd.spec.group}`];
  if (kind !== crd.spec.names.kind) return [`kind ${kind} is not the CRD's kind ${crd.spec.names.kind}`];
  const served = crd.spec.versions.find((candidate) => candidate.name === version);
  if (!served) return [`version ${version} is not defined by ${crdFile}`];
  if (!served.served) return [`version ${version} is defined but not served by ${crdFile}`];

  const validate = validatorFor(crdFile, served);
  if (validate(object)) return [];
  return (validate.errors ?? []).map((error) => {
    const where = error.instancePath === "" ? "/" : error.instancePath;
    const extra = error.keyword === "additionalProperties" ? ` (${String(error.params.additionalProperty)})` : "";
    return `${where}: ${error.message ?? error.keyword}${extra}`;
  });
}

function loadCrd(crdFile: string): Crd {
  const file = sharedDir("reference", "crds", crdFile);
  if (!fs.existsSync(file)) throw new Error(`CRD not found: ${file}`);
  const documents = YAML.parseAllDocuments(fs.readFileSync(file, "utf8")).map((doc) => doc.toJS() as unknown);
  const crd = documents.find((doc) => (doc as { kind?: string } | null)?.kind === "CustomResourceDefinition");
  if (!crd) throw new Error(`${file} holds no CustomResourceDefinition`);
  return crd as Crd;
}

function validatorFor(crdFile: string, version: CrdVersion): ValidateFunction {
  const key = `${crdFile}#${version.name}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const schema = version.schema?.openAPIV3Schema;
  if (!schema) throw new Error(`${crdFile} version ${version.name} has no openAPIV3Schema`);
  const validate = newAjv().compile(closeObjects(structuredClone(schema)));
  cache.set(key, validate);
  return validate;
}

function newAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // CRD schemas carry OpenAPI and Kubernetes keywords (x-kubernetes-*, example) ajv does not know;
    // they are annotations for this purpose, so unknown keywords are ignored rather than fatal.
    strict: false,
    code: { regExp: goRegExp },
  });
  addFormats(ajv, ["date-time", "ipv4", "ipv6", "uri"]);
  const integerIn = (min: number, max: number) => ({
    type: "number" as const,
    validate: (value: number) => Number.isInteger(value) && value >= min && value <= max,
  });
  ajv.addFormat("int32", integerIn(-(2 ** 31), 2 ** 31 - 1));
  ajv.addFormat("int64", integerIn(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
  // Kubernetes' base64 `[]byte` fields (the EnvoyProxy CRD has some).
  ajv.addFormat("byte", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  // Kubernetes' "cidr" format (the Cilium pool's blocks); IPv4 is all this platform uses.
  ajv.addFormat("cidr", /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\/(?:3[0-2]|[12]?\d)$/);
  return ajv;
}

/** Go `(?i)` has no JS inline form: drop it and compile the pattern case-insensitively. */
const goRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    const insensitive = pattern.includes("(?i)");
    return new RegExp(pattern.replaceAll("(?i)", ""), insensitive ? `${flags}i` : flags);
  },
  // Only used when ajv generates standalone code, which this helper never does.
  { code: "goRegExp" },
);

/** Adds `additionalProperties: false` where Kubernetes would prune unknown fields. */
function closeObjects(node: unknown): Record<string, unknown> {
  visit(node);
  return node as Record<string, unknown>;
}

function visit(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(visit);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const schema = node as Record<string, unknown>;
  if (
    typeof schema.properties === "object" &&
    schema.additionalProperties === undefined &&
    schema["x-kubernetes-preserve-unknown-fields"] !== true
  ) {
    schema.additionalProperties = false;
  }
  for (const [key, value] of Object.entries(schema)) {
    // `properties` maps names to schemas; a property called "properties" is still a schema.
    if (key === "properties" && typeof value === "object" && value !== null) Object.values(value).forEach(visit);
    else visit(value);
  }
}
