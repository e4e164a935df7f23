import { Provider } from "@pulumi/aws/provider";
// The s3 and provider submodules load in ~10 ms; `@pulumi/aws` as a whole takes ~130 ms of every plan.
import { Bucket, BucketLifecycleConfiguration, BucketVersioning } from "@pulumi/aws/s3";
import * as pulumi from "@pulumi/pulumi";
import type { S3Config } from "../../config/schema";
import { bucketPurposes, lifecycleRules, minioProviderSettings, type BucketPurpose } from "./spec";

export { bucketPurposes, type BucketPurpose } from "./spec";

export interface S3BucketsArgs {
  /** Endpoint, region, bucket names and noncurrent-version retention (home-platform:s3). */
  readonly s3: S3Config;
  /** MinIO access key (SOPS); must be a secret Output. */
  readonly accessKey: pulumi.Input<string>;
  /** MinIO secret key (SOPS); must be a secret Output. */
  readonly secretKey: pulumi.Input<string>;
}

export type BucketNames = { readonly [Purpose in BucketPurpose]: pulumi.Output<string> };

/**
 * One MinIO bucket per purpose, versioned, with a lifecycle rule that expires replaced and deleted
 * versions after `noncurrentVersionDays`.
 *
 * Buckets hold data Pulumi cannot recreate, so they are `protect`ed (no destroy, no replacement
 * without first unprotecting) and `retainOnDelete` (even after unprotecting, Pulumi forgets the
 * bucket instead of deleting it). Renaming a bucket in config therefore fails the preview: to move,
 * unprotect, let Pulumi create the new bucket, copy the data, then remove the old one in MinIO.
 * Logical names are the purpose ("thanos"), so a rename is a replacement of the same resource,
 * never a silent second bucket.
 */
export class S3Buckets extends pulumi.ComponentResource {
  readonly bucketNames: BucketNames;

  constructor(name: string, args: S3BucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("home-platform:storage:S3Buckets", name, {}, opts);

    const provider = new Provider(
      `${name}-minio`,
      // The AWS SDK marks accessKey/secretKey secret itself, so they stay secret in state either way.
      { ...minioProviderSettings(args.s3), accessKey: args.accessKey, secretKey: args.secretKey },
      { parent: this },
    );
    const bucketNames = {} as Record<BucketPurpose, pulumi.Output<string>>;
    for (const purpose of bucketPurposes) {
      bucketNames[purpose] = createVersionedBucket(`${name}-${purpose}`, args.s3.buckets[purpose], args.s3.noncurrentVersionDays, {
        parent: this,
        provider,
      });
    }
    this.bucketNames = bucketNames;

    this.registerOutputs({ bucketNames: this.bucketNames });
  }
}

function createVersionedBucket(
  name: string,
  bucketName: string,
  noncurrentVersionDays: number,
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  const bucket = new Bucket(
    name,
    // forceDestroy stays off: on, the provider would delete every object and version before the
    // bucket itself. Off, a delete that gets past protect and retainOnDelete still stops at a
    // non-empty bucket (S3 and MinIO refuse to delete one).
    { bucket: bucketName, forceDestroy: false },
    { ...opts, protect: true, retainOnDelete: true },
  );
  // Versioning cannot be turned off once on, only suspended; protect it from a silent suspend.
  const versioning = new BucketVersioning(
    `${name}-versioning`,
    { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
    { ...opts, protect: true, retainOnDelete: true },
  );
  // Expiring noncurrent versions only makes sense once versioning is on.
  new BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    { bucket: bucket.bucket, rules: lifecycleRules(noncurrentVersionDays) },
    { ...opts, dependsOn: [versioning] },
  );
  return bucket.bucket;
}
