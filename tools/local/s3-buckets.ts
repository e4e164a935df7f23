import type { BucketSpec } from "./plan-parts";
import { fromXml, s3Ok, toXml, type S3Target, type XmlObject, type XmlValue } from "./s3-client";

/**
 * Applies the buckets the plan registers (aws.s3 Bucket, BucketVersioning,
 * BucketLifecycleConfiguration inputs) through the S3 API, the calls the AWS provider makes for
 * them, and reads the settings back.
 */

/**
 * A provider input object → the S3 API's XML shape: the provider names its fields after the API's
 * elements in camelCase (`noncurrentVersionExpiration.noncurrentDays` →
 * `NoncurrentVersionExpiration/NoncurrentDays`), `id` is `ID`, and an empty map (`filter: {}`,
 * "every object") is an empty element.
 */
export function providerToXml(value: Record<string, unknown>): XmlObject {
  const element = (key: string) => (key === "id" ? "ID" : key[0].toUpperCase() + key.slice(1));
  const convert = (v: unknown): XmlValue => {
    if (Array.isArray(v)) throw new Error("providerToXml: list fields (transitions, tags) are not mapped; add them when a rule uses them");
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, child]) => [element(k), convert(child)]));
    return v as string | number | boolean;
  };
  return convert(value) as XmlObject;
}

export async function applyBucket(target: S3Target, spec: BucketSpec): Promise<void> {
  // Outside us-east-1, CreateBucket names its region (as the provider does for `region`).
  const create = target.region === "us-east-1" ? "" : toXml("CreateBucketConfiguration", { LocationConstraint: target.region });
  await s3Ok(target, "PUT", spec.name, "", create);
  await s3Ok(target, "PUT", spec.name, "versioning", toXml("VersioningConfiguration", { Status: spec.versioningStatus }));
  await s3Ok(target, "PUT", spec.name, "lifecycle", toXml("LifecycleConfiguration", { Rule: spec.lifecycleRules.map((rule) => providerToXml(rule)) }));
}

export interface BucketReadBack {
  readonly versioningStatus: string | undefined;
  readonly lifecycleRules: XmlObject[];
}

export async function readBucket(target: S3Target, name: string): Promise<BucketReadBack> {
  const versioning = fromXml(await s3Ok(target, "GET", name, "versioning")).VersioningConfiguration as XmlObject | string;
  const lifecycle = fromXml(await s3Ok(target, "GET", name, "lifecycle")).LifecycleConfiguration as XmlObject;
  const rules = lifecycle.Rule;
  return {
    versioningStatus: typeof versioning === "object" ? (versioning.Status as string | undefined) : undefined,
    lifecycleRules: (Array.isArray(rules) ? rules : rules === undefined ? [] : [rules]) as XmlObject[],
  };
}
