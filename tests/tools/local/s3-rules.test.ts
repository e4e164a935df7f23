import { lifecycleRules } from "../../../components/s3-buckets/spec";
import { providerToS3 } from "../../../tools/local/s3-buckets";

/** The provider-input → S3 API mapping the live suite applies our lifecycle rules with. */
describe("provider lifecycle rules as S3 API rules", () => {
  test("our rule becomes the API's ID / Status / Filter / NoncurrentVersionExpiration", () => {
    expect(lifecycleRules(30).map((rule) => providerToS3(rule as unknown as Record<string, unknown>))).toEqual([
      { ID: "expire-noncurrent-versions", Status: "Enabled", Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
    ]);
  });

  test("list fields of a rule are refused rather than mistranslated", () => {
    expect(() => providerToS3({ transitions: [{ days: 1 }] })).toThrow(/not mapped/);
  });
});
