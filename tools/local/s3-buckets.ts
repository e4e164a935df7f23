import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  S3Client,
  type BucketLocationConstraint,
  type LifecycleRule,
} from "@aws-sdk/client-s3";
import type { BucketSpec, ObjstoreS3 } from "./plan-parts";

/**
 * Applies the buckets the plan registers (aws.s3 Bucket, BucketVersioning,
 * BucketLifecycleConfiguration inputs) through the S3 API with the AWS SDK, the calls the AWS
 * provider makes for them, and reads the settings back. Path-style addressing, as our provider
 * settings make Pulumi use it (components/s3-buckets/spec.ts `s3UsePathStyle`).
 */

export interface S3Target {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKey: string;
  readonly secretKey: string;
}

/** The S3 endpoint and keys of the objstore file, for a client talking to the same server. */
export function targetOf(objstore: ObjstoreS3, endpoint: string): S3Target {
  return { endpoint, region: objstore.config.region, accessKey: objstore.config.access_key, secretKey: objstore.config.secret_key };
}

export function s3Client(target: S3Target): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: target.accessKey, secretAccessKey: target.secretKey },
    maxAttempts: 1,
  });
}

/**
 * A provider input object → the S3 API's shape: the provider names its fields after the API's
 * members in camelCase (`noncurrentVersionExpiration.noncurrentDays` →
 * `NoncurrentVersionExpiration.NoncurrentDays`), `id` is `ID`, and an empty map (`filter: {}`,
 * "every object") stays an empty member.
 */
export function providerToS3(value: Record<string, unknown>): Record<string, unknown> {
  const member = (key: string) => (key === "id" ? "ID" : key[0].toUpperCase() + key.slice(1));
  const convert = (v: unknown): unknown => {
    if (Array.isArray(v)) throw new Error("providerToS3: list fields (transitions, tags) are not mapped; add them when a rule uses them");
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, child]) => [member(k), convert(child)]));
    return v;
  };
  return convert(value) as Record<string, unknown>;
}

export async function applyBucket(client: S3Client, region: string, spec: BucketSpec): Promise<void> {
  // Outside us-east-1, CreateBucket names its region (as the provider does for `region`).
  const location = region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
  await client.send(new CreateBucketCommand({ Bucket: spec.name, ...location }));
  await client.send(new PutBucketVersioningCommand({ Bucket: spec.name, VersioningConfiguration: { Status: spec.versioningStatus as "Enabled" | "Suspended" } }));
  await client.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: spec.name,
      LifecycleConfiguration: { Rules: spec.lifecycleRules.map((rule) => providerToS3(rule) as unknown as LifecycleRule) },
    }),
  );
}

export interface BucketReadBack {
  readonly versioningStatus: string | undefined;
  readonly lifecycleRules: LifecycleRule[];
}

export async function readBucket(client: S3Client, name: string): Promise<BucketReadBack> {
  const versioning = await client.send(new GetBucketVersioningCommand({ Bucket: name }));
  const lifecycle = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: name }));
  return { versioningStatus: versioning.Status, lifecycleRules: lifecycle.Rules ?? [] };
}
