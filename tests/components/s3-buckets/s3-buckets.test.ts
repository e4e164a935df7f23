import * as pulumi from "@pulumi/pulumi";
import { S3Buckets } from "../../../components/s3-buckets";
import { s3Schema, type S3Config } from "../../../config/schema/storage";
import { findResource, isSecret, resourcesOfType, unwrapSecrets, valueOf, withMocks, type CapturedResource } from "../../helpers";

const types = {
  provider: "pulumi:providers:aws",
  bucket: "aws:s3/bucket:Bucket",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
};

const home: S3Config = s3Schema.parse({
  endpoint: "https://s3.68cc.io",
  buckets: { thanos: "home-thanos", backups: "home-backups" },
  noncurrentVersionDays: 30,
});
// Different names, region and retention: what the component does must follow the config.
const lab: S3Config = s3Schema.parse({
  endpoint: "http://minio.lab.internal:9000",
  region: "eu-central-1",
  buckets: { thanos: "lab-thanos", backups: "lab-backups" },
  noncurrentVersionDays: 7,
});

let recorded: CapturedResource[];
let homeNames: Record<string, pulumi.Output<string>>;

beforeAll(async () => {
  recorded = await withMocks(() => {
    homeNames = new S3Buckets("object-storage", { s3: home, accessKey: pulumi.secret("AKIAHOME"), secretKey: pulumi.secret("home-secret-key") })
      .bucketNames;
    new S3Buckets("lab-storage", { s3: lab, accessKey: pulumi.secret("AKIALAB"), secretKey: pulumi.secret("lab-secret-key") });
  });
});

const find = (type: string, name: string) => findResource(recorded, type, name);
/** Inputs as the provider would get them, secrets unwrapped (for secrecy, read `inputs` itself). */
const inputs = (r: CapturedResource) => unwrapSecrets(r.inputs) as Record<string, unknown>;
const byComponent = (component: string, type: string) => resourcesOfType(recorded, type).filter((r) => r.name.startsWith(`${component}-`));

describe("S3Buckets", () => {
  test("talks to MinIO through an explicit provider: config endpoint, path-style, no AWS-only checks", () => {
    for (const [component, config] of [["object-storage", home], ["lab-storage", lab]] as const) {
      const provider = inputs(find(types.provider, `${component}-minio`));
      expect(JSON.stringify(provider.endpoints)).toContain(config.endpoint);
      expect(provider.region).toBe(config.region);
      for (const flag of ["s3UsePathStyle", "skipCredentialsValidation", "skipRegionValidation", "skipRequestingAccountId", "skipMetadataApiCheck"]) {
        expect([flag, String(provider[flag])]).toEqual([flag, "true"]);
      }
    }
  });

  test("each component's own MinIO keys reach its provider, still secret", () => {
    for (const [component, accessKey, secretKey] of [
      ["object-storage", "AKIAHOME", "home-secret-key"],
      ["lab-storage", "AKIALAB", "lab-secret-key"],
    ]) {
      const provider = find(types.provider, `${component}-minio`);
      expect(isSecret(provider.inputs.accessKey)).toBe(true);
      expect(isSecret(provider.inputs.secretKey)).toBe(true);
      expect([inputs(provider).accessKey, inputs(provider).secretKey]).toEqual([accessKey, secretKey]);
    }
  });

  test("one bucket per purpose, named from config, logical name from the purpose", () => {
    for (const [component, config] of [["object-storage", home], ["lab-storage", lab]] as const) {
      const buckets = byComponent(component, types.bucket);
      expect(buckets.map((b) => [b.name, inputs(b).bucket]).sort()).toEqual(
        [
          [`${component}-backups`, config.buckets.backups],
          [`${component}-thanos`, config.buckets.thanos],
        ].sort(),
      );
    }
  });

  test("buckets and their versioning are protected and retained on delete; buckets use the MinIO provider", () => {
    const providerUrn = find(types.provider, "object-storage-minio").urn;
    for (const bucket of byComponent("object-storage", types.bucket)) {
      expect({ name: bucket.name, protect: bucket.protect, retain: bucket.retainOnDelete }).toEqual({
        name: bucket.name,
        protect: true,
        retain: true,
      });
      expect(bucket.provider).toBe(providerUrn);
      expect(inputs(bucket).forceDestroy).toBe(false);
    }
    for (const versioning of byComponent("object-storage", types.versioning)) {
      expect([versioning.name, versioning.protect, versioning.retainOnDelete]).toEqual([versioning.name, true, true]);
    }
  });

  test("every bucket is versioned", () => {
    for (const [component, config] of [["object-storage", home], ["lab-storage", lab]] as const) {
      const versioned = byComponent(component, types.versioning).map((v) => [
        inputs(v).bucket,
        (inputs(v).versioningConfiguration as { status: string }).status,
      ]);
      expect(versioned.sort()).toEqual(
        [
          [config.buckets.backups, "Enabled"],
          [config.buckets.thanos, "Enabled"],
        ].sort(),
      );
    }
  });

  test("lifecycle rules expire noncurrent versions after noncurrentVersionDays, and only those", () => {
    for (const [component, config] of [["object-storage", home], ["lab-storage", lab]] as const) {
      const lifecycles = byComponent(component, types.lifecycle);
      expect(lifecycles.map((l) => inputs(l).bucket).sort()).toEqual([config.buckets.backups, config.buckets.thanos].sort());
      for (const lifecycle of lifecycles) {
        const rules = inputs(lifecycle).rules as Record<string, unknown>[];
        expect(rules).toHaveLength(1);
        expect(rules[0]).toMatchObject({ status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: config.noncurrentVersionDays } });
        expect(rules[0].expiration).toBeUndefined();
      }
    }
  });

  test("lifecycle rules wait for versioning", () => {
    const lifecycle = find(types.lifecycle, "object-storage-thanos-lifecycle");
    expect(lifecycle.dependsOn.some((urn) => urn.endsWith(`::object-storage-thanos-versioning`))).toBe(true);
  });

  test("bucketNames are the config names, in plain text", async () => {
    expect(await valueOf(homeNames.thanos)).toBe(home.buckets.thanos);
    expect(await valueOf(homeNames.backups)).toBe(home.buckets.backups);
    expect(await pulumi.isSecret(homeNames.thanos)).toBe(false);
  });

  test("every child is parented to its component", () => {
    const component = find("home-platform:storage:S3Buckets", "object-storage");
    expect(component.custom).toBe(false);
    for (const child of recorded.filter((r) => r.name.startsWith("object-storage-"))) {
      expect([child.name, child.parent]).toEqual([child.name, expect.stringMatching(/S3Buckets::object-storage$/)]);
    }
  });
});
