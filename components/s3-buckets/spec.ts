import type { ProviderArgs } from "@pulumi/aws/provider";
import type * as awsInputs from "@pulumi/aws/types/input";
import type { S3Config } from "../../config/schema";

/**
 * The plain data behind S3Buckets: which buckets exist and the rules each one gets. Kept apart
 * from the component so the rules can be tested and read without Pulumi.
 */

/** Every bucket purpose, in a fixed order; the purpose (not the bucket name) is the logical name. */
export const bucketPurposes = ["thanos", "backups"] as const satisfies readonly (keyof S3Config["buckets"])[];
export type BucketPurpose = (typeof bucketPurposes)[number];

export const noncurrentExpiryRuleId = "expire-noncurrent-versions";

/**
 * Lifecycle rules for a versioned bucket: old versions (overwritten or deleted objects) are kept
 * `noncurrentVersionDays` so a mistaken delete or a bad compaction can be undone, then expire so
 * versioning does not grow the bucket forever. Current objects are never expired here: Thanos
 * and the backup tools own their own retention.
 */
export function lifecycleRules(noncurrentVersionDays: number): awsInputs.s3.BucketLifecycleConfigurationRule[] {
  return [
    {
      id: noncurrentExpiryRuleId,
      status: "Enabled",
      // An empty filter applies the rule to every object (the provider warns when neither filter nor prefix is set).
      filter: {},
      noncurrentVersionExpiration: { noncurrentDays: noncurrentVersionDays },
    },
  ];
}

/**
 * aws.Provider settings that make the AWS provider talk to MinIO: one S3 endpoint, path-style
 * addressing (MinIO serves buckets as paths unless wildcard DNS is set up), and no calls to AWS
 * services MinIO does not have (STS account lookup, EC2 metadata, region list).
 */
export function minioProviderSettings(s3: Pick<S3Config, "endpoint" | "region">) {
  return {
    region: s3.region,
    endpoints: [{ s3: s3.endpoint }],
    s3UsePathStyle: true,
    skipCredentialsValidation: true,
    skipRegionValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
  } satisfies ProviderArgs;
}
