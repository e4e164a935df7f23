import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { noncurrentExpiryRuleId } from "../../../components/s3-buckets/spec";
import { repoRoot } from "../../../tools/plan/engine";
import { bucketSpecsOf, localS3Override, objstoreFileOf, parseObjstore, thanosValuesOf, type BucketSpec, type ObjstoreS3 } from "../../../tools/local/plan-parts";
import { compactArgs, thanosChartValues } from "../../../tools/local/thanos";
import { freePort } from "../../../tools/local/process";
import { ListObjectVersionsCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { applyBucket, readBucket, s3Client, targetOf, type S3Target } from "../../../tools/local/s3-buckets";
import { startS3, type LocalS3 } from "../../../tools/local/seaweedfs";
import { runStackPlan } from "../../helpers";
import { stackConfig } from "../../workflows/workflow-files";
import { toolPath } from "../../../tools/toolchain/paths";

/**
 * Our S3 settings and Thanos objstore wiring against real servers: SeaweedFS (pinned build,
 * Apache-2.0, in place of AGPL MinIO) on loopback, and the pinned `thanos` binary. The `home`
 * plan runs with `home-platform:s3.endpoint` pointed at the local server, so the program itself
 * renders the objstore Secret for it; the test writes that text to a file unchanged.
 */

const s3Config = stackConfig("home")["home-platform:s3"] as { buckets: Record<string, string>; noncurrentVersionDays: number };

let s3: LocalS3;
let workDir: string;
let specs: BucketSpec[];
let objstoreText: string;
let objstore: ObjstoreS3;
let target: S3Target;
let client: S3Client;
let thanosValues: Record<string, unknown>;

beforeAll(async () => {
  const port = await freePort();
  const plan = await runStackPlan("home", localS3Override(repoRoot, "home", `http://127.0.0.1:${port}`));
  specs = bucketSpecsOf(plan.resources);
  objstoreText = objstoreFileOf(plan.resources);
  objstore = parseObjstore(objstoreText);
  thanosValues = thanosValuesOf(plan.resources);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "s3-thanos-"));
  s3 = await startS3({
    binary: toolPath("seaweedfs", "weed"),
    dataDir: path.join(workDir, "s3"),
    port,
    accessKey: objstore.config.access_key,
    secretKey: objstore.config.secret_key,
    lifetimeSeconds: 600,
  });
  target = targetOf(objstore, s3.endpoint);
  client = s3Client(target);
});

afterAll(async () => {
  client?.destroy();
  await s3?.server.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/** `thanos tools bucket <args>` with an objstore file; never prints the file (it holds the keys). */
function thanosBucket(objstoreFile: string, ...args: string[]) {
  const run = spawnSync(toolPath("thanos"), ["tools", "bucket", ...args, `--objstore.config-file=${objstoreFile}`], { encoding: "utf8", timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function writeObjstore(name: string, text: string): string {
  const file = path.join(workDir, name);
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

describe("S3 buckets on SeaweedFS (pinned build), as the program specifies them", () => {
  test("the plan registers our bucket names, each versioned with the noncurrent-version expiry", () => {
    expect(specs.map((s) => s.name).sort()).toEqual(Object.values(s3Config.buckets).sort());
    for (const spec of specs) expect(spec.versioningStatus).toBe("Enabled");
  });

  test("created path-style through the S3 API (AWS SDK); versioning and lifecycle read back as applied", async () => {
    for (const spec of specs) {
      await applyBucket(client, target.region, spec);
      const back = await readBucket(client, spec.name);
      expect(back.versioningStatus).toBe(spec.versioningStatus);
      expect(back.lifecycleRules).toHaveLength(1);
      expect(back.lifecycleRules[0]).toMatchObject({
        ID: noncurrentExpiryRuleId,
        Status: "Enabled",
        NoncurrentVersionExpiration: { NoncurrentDays: s3Config.noncurrentVersionDays },
      });
      // `filter: {}` (every object) comes back as an empty or prefix-less filter, never a narrower one.
      const filter = back.lifecycleRules[0].Filter;
      expect([filter?.Prefix ?? "", filter?.Tag, filter?.And]).toEqual(["", undefined, undefined]);
    }
  });

  test("versioning is live: overwriting an object keeps the old version", async () => {
    const bucket = s3Config.buckets.backups;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "probe.txt", Body: "one" }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "probe.txt", Body: "two" }));
    const listing = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: "probe.txt" }));
    expect((listing.Versions ?? []).map((v) => v.IsLatest).sort()).toEqual([false, true]);
  });

  test("requests signed with other keys are refused (the server really checks the credentials)", async () => {
    const wrong = s3Client({ ...target, secretKey: `${target.secretKey}x` });
    await expect(readBucket(wrong, s3Config.buckets.thanos)).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    wrong.destroy();
  });
});

describe("Thanos objstore Secret against the local S3 (pinned thanos tools bucket)", () => {
  test("the program renders the S3 provider, path-style, plain HTTP for an http:// endpoint, our Thanos bucket", () => {
    expect(objstore.type).toBe("S3");
    expect(objstore.config).toMatchObject({ bucket: s3Config.buckets.thanos, endpoint: `127.0.0.1:${s3.port}`, insecure: true, bucket_lookup_type: "path" });
  });

  test("ls and verify run with the Secret's file unchanged and see a block uploaded to the bucket", async () => {
    const file = writeObjstore("objstore.yml", objstoreText);
    const empty = thanosBucket(file, "ls", "-o", "json");
    expect([empty.status, empty.stdout.trim()]).toEqual([0, ""]);
    // A block's meta.json as the sidecar uploads it (block ULID directory, Thanos extension).
    const ulid = "01JQ0000000000000000000000";
    const meta = {
      ulid,
      minTime: Date.now() - 2 * 3600_000,
      maxTime: Date.now(),
      stats: { numSamples: 1, numSeries: 1, numChunks: 1 },
      compaction: { level: 1, sources: [ulid] },
      version: 1,
      thanos: { labels: { prometheus: "monitoring/kps-prometheus", prometheus_replica: "prometheus-kps-prometheus-0" }, downsample: { resolution: 0 }, source: "sidecar" },
    };
    await client.send(new PutObjectCommand({ Bucket: s3Config.buckets.thanos, Key: `${ulid}/meta.json`, Body: JSON.stringify(meta) }));
    const listed = thanosBucket(file, "ls", "-o", "json");
    expect(listed.status).toBe(0);
    // One indented JSON document per block.
    expect(JSON.parse(listed.stdout)).toMatchObject({ ulid, thanos: { labels: meta.thanos.labels } });
    const verified = thanosBucket(file, "verify", "--issues=overlapped_blocks");
    expect([verified.status, verified.stderr]).toEqual([0, expect.stringMatching(/verify/i)]);
  });

  test("the same file with another bucket name fails: the bucket in the Secret is the one that is read", () => {
    const file = writeObjstore("objstore-other.yml", objstoreText.replace(`bucket: ${s3Config.buckets.thanos}`, "bucket: no-such-bucket"));
    const run = thanosBucket(file, "ls");
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/The specified bucket does not exist/);
  });

  test("the compactor with the chart's args and our retention flags runs a pass over the bucket and exits 0", async () => {
    const file = writeObjstore("objstore-compact.yml", objstoreText);
    const args = compactArgs(thanosChartValues(thanosValues), { http: await freePort(), dataDir: path.join(workDir, "compact"), objstoreFile: file });
    expect(args).toEqual(expect.arrayContaining(["--retention.resolution-raw=30d", "--deduplication.replica-label=prometheus_replica"]));
    const run = spawnSync(toolPath("thanos"), args, { encoding: "utf8", timeout: 120_000 });
    expect([run.status, run.stderr]).toEqual([0, expect.stringMatching(/compaction iterations done|start of compactions/)]);
  });
});
