import { z } from "zod";
import { expected, positiveInt } from "./primitives";

/** S3 bucket naming rules (AWS's, which MinIO enforces too). */
export const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    error: expected("must be 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit"),
  })
  .refine((name) => !name.includes(".."), "must not contain '..'");

export const s3Schema = z.strictObject({
  /** MinIO API endpoint, e.g. https://s3.68cc.io. */
  endpoint: z.url({ protocol: /^https?$/, error: expected("must be an http(s):// URL like https://s3.68cc.io") }),
  /** Region the S3 clients sign for; MinIO accepts any. Defaults to us-east-1. */
  region: z.string().min(1).default("us-east-1"),
  /** One bucket per purpose. Bucket names are their identity: changing one means a new bucket. */
  buckets: z
    .strictObject({
      /** Thanos block storage. */
      thanos: bucketName,
      /** Volume snapshots and backups. */
      backups: bucketName,
    })
    // Each purpose has its own lifecycle and its own readers/writers; sharing a bucket would mix them.
    .refine((buckets) => buckets.thanos !== buckets.backups, {
      error: "must differ from buckets.thanos (one bucket per purpose)",
      path: ["backups"],
    }),
  /** Days a replaced or deleted object version is kept before the lifecycle rule expires it. Defaults to 30. */
  noncurrentVersionDays: positiveInt.default(30),
});

export type S3Config = z.infer<typeof s3Schema>;
