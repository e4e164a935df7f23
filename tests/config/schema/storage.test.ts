import { s3Schema } from "../../../config/schema/storage";
import { lifecycleRules } from "../../../components/s3-buckets/spec";

const base = { endpoint: "https://s3.68cc.io", buckets: { thanos: "home-thanos", backups: "home-backups" } };

describe("home-platform:s3 config", () => {
  test("one bucket per purpose: the same name twice is rejected at buckets.backups", () => {
    const result = s3Schema.safeParse({ ...base, buckets: { thanos: "shared", backups: "shared" } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["buckets.backups", "must differ from buckets.thanos (one bucket per purpose)"],
    ]);
  });

  test("distinct names are accepted and retention defaults to 30 days", () => {
    const parsed = s3Schema.parse(base);
    expect(parsed.noncurrentVersionDays).toBe(30);
    expect(lifecycleRules(parsed.noncurrentVersionDays)[0].noncurrentVersionExpiration).toEqual({ noncurrentDays: 30 });
  });
});
