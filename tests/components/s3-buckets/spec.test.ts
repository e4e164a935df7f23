import { s3Schema } from "../../../config/schema/storage";
import { minioProviderSettings } from "../../../components/s3-buckets/spec";

const base = { endpoint: "https://s3.68cc.io", buckets: { thanos: "home-thanos", backups: "home-backups" } };

describe("the MinIO provider settings", () => {
  test("the provider's S3 endpoint and region are the configured ones", () => {
    const parsed = s3Schema.parse({ ...base, endpoint: "http://10.0.0.5:9000", region: "eu-west-1" });
    expect(minioProviderSettings(parsed)).toMatchObject({ region: "eu-west-1", endpoints: [{ s3: "http://10.0.0.5:9000" }] });
  });
});
