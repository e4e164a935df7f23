import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { fromIni } from "@aws-sdk/credential-provider-ini";
import { etcdCredentials, veleroCredentials } from "../../../stacks/backups/names";
import { repoRoot } from "../../../tools/plan/engine";
import { bucketSpecsOf, localS3Override } from "../../../tools/local/plan-parts";
import { freePort } from "../../../tools/local/process";
import { applyBucket, s3Client } from "../../../tools/local/s3-buckets";
import { startS3, type LocalS3 } from "../../../tools/local/seaweedfs";
import { runStackPlan, unwrapSecrets, type CapturedResource } from "../../helpers";
import { toolPath } from "../../../tools/toolchain/paths";

/**
 * The backups' S3 settings against a real S3 server (SeaweedFS, pinned build, standing in for
 * AGPL MinIO) on loopback. The `home` plan runs with `s3.endpoint` pointed at it; the test takes
 * the credentials file the program renders into Velero's Secret (read by a real shared-credentials
 * parser, the AWS SDK's), the BackupStorageLocation's settings and the etcd snapshot job's
 * environment, and lists and writes under each prefix with them.
 */

type Inputs = Record<string, any>;
const inputsOf = (resource: CapturedResource) => unwrapSecrets(resource.inputs) as Inputs;

let s3: LocalS3;
let workDir: string;
let resources: CapturedResource[];
let credentialsFile: string;

const only = (type: string, predicate: (inputs: Inputs) => boolean = () => true): Inputs => {
  const found = resources.filter((r) => r.type === type).map(inputsOf).filter(predicate);
  if (found.length !== 1) throw new Error(`the plan has ${found.length} ${type}, expected one`);
  return found[0];
};

beforeAll(async () => {
  const port = await freePort();
  resources = (await runStackPlan("home", localS3Override(repoRoot, "home", `http://127.0.0.1:${port}`))).resources;
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "s3-backups-"));
  const secret = only("kubernetes:core/v1:Secret", (s) => s.metadata?.name === veleroCredentials.name);
  credentialsFile = path.join(workDir, "cloud");
  fs.writeFileSync(credentialsFile, secret.stringData[veleroCredentials.key], { mode: 0o600 });
  const keys = await fromIni({ filepath: credentialsFile, configFilepath: path.join(workDir, "no-config"), profile: "default" })();
  // The server accepts exactly the backup user's keys (as MinIO would, with its policy on the bucket).
  s3 = await startS3({ binary: toolPath("seaweedfs", "weed"), dataDir: path.join(workDir, "s3"), port, accessKey: keys.accessKeyId, secretKey: keys.secretAccessKey, lifetimeSeconds: 600 });
  const bucket = bucketSpecsOf(resources).find((spec) => spec.name === only("kubernetes:velero.io/v1:BackupStorageLocation").spec.objectStorage.bucket)!;
  const admin = s3Client({ endpoint: s3.endpoint, region: "us-east-1", accessKey: keys.accessKeyId, secretKey: keys.secretAccessKey });
  await applyBucket(admin, "us-east-1", bucket);
  admin.destroy();
}, 10 * 60_000);

afterAll(async () => {
  await s3?.server.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const listing = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listing.Contents ?? []).map((object) => object.Key!);
}

describe("Velero's BackupStorageLocation and credentials file against a real S3 server", () => {
  test("the program's credentials file parses as an AWS shared credentials file (profile default)", async () => {
    const keys = await fromIni({ filepath: credentialsFile, configFilepath: path.join(workDir, "no-config"), profile: "default" })();
    expect(keys.accessKeyId).toMatch(/^[A-Z0-9]{20}$/);
    expect(keys.secretAccessKey).toMatch(/^[A-Za-z0-9]{40}$/);
  });

  test("a client set up as the BSL says (s3Url, region, path style) lists and writes under the prefix", async () => {
    const bsl = only("kubernetes:velero.io/v1:BackupStorageLocation").spec;
    expect(bsl.config.s3Url).toBe(s3.endpoint);
    const client = new S3Client({
      endpoint: bsl.config.s3Url,
      region: bsl.config.region,
      forcePathStyle: bsl.config.s3ForcePathStyle === "true",
      credentials: fromIni({ filepath: credentialsFile, configFilepath: path.join(workDir, "no-config"), profile: "default" }),
      maxAttempts: 1,
    });
    const { bucket, prefix } = bsl.objectStorage;
    expect(await listKeys(client, bucket, `${prefix}/`)).toEqual([]);
    const key = `${prefix}/backups/daily-20260101020000/velero-backup.json`;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "{}" }));
    expect(await listKeys(client, bucket, `${prefix}/backups/`)).toEqual([key]);
    client.destroy();
  });
});

describe("The etcd snapshot job's S3 settings against a real S3 server", () => {
  test("its endpoint, bucket, region and path style (USE_PATH_STYLE=false at talos-backup beta.3) write under its own prefix", async () => {
    const cronJob = only("kubernetes:batch/v1:CronJob", (c) => c.metadata?.name === "etcd-snapshot");
    const env = Object.fromEntries(
      (cronJob.spec.jobTemplate.spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value ?? ""]),
    );
    const secret = only("kubernetes:core/v1:Secret", (s) => s.metadata?.name === etcdCredentials.name).stringData;
    const client = new S3Client({
      endpoint: env.CUSTOM_S3_ENDPOINT,
      region: env.AWS_REGION,
      // talos-backup v0.1.0-beta.3: UsePathStyle = os.Getenv("USE_PATH_STYLE") == "false".
      forcePathStyle: env.USE_PATH_STYLE === "false",
      credentials: { accessKeyId: secret[etcdCredentials.accessKey], secretAccessKey: secret[etcdCredentials.secretKey] },
      maxAttempts: 1,
    });
    const key = `${env.S3_PREFIX}/${env.CLUSTER_NAME}-2026-01-01T02:00:00Z.snap.age`;
    await client.send(new PutObjectCommand({ Bucket: env.BUCKET, Key: key, Body: "age-encryption.org/v1" }));
    expect(await listKeys(client, env.BUCKET, `${env.S3_PREFIX}/`)).toEqual([key]);
    // Velero's prefix and the snapshots' do not see each other.
    const bsl = only("kubernetes:velero.io/v1:BackupStorageLocation").spec.objectStorage;
    expect((await listKeys(client, env.BUCKET, `${bsl.prefix}/`)).some((k) => k.startsWith(`${env.S3_PREFIX}/`))).toBe(false);
    client.destroy();
  });
});
