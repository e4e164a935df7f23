import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { toolPath } from "../toolchain/paths";
import { repoRoot, runPlan } from "../plan/engine";
import { bucketSpecsOf, localS3Override, objstoreFileOf, parseObjstore, thanosValuesOf } from "../local/plan-parts";
import { freePort, sleep } from "../local/process";
import { applyBucket, s3Client, targetOf } from "../local/s3-buckets";
import { startS3 } from "../local/seaweedfs";
import { startThanos } from "../local/thanos";
import type { DataBenchOptions, MemoryMeasurement } from "./data";
import { sizingDefaults } from "./data";

/**
 * Thanos Query (and the store gateway it fans out to) with our chart values and our objstore
 * Secret, against the local S3 server holding our (empty) Thanos bucket, under a steady load of
 * the queries Grafana's home dashboards send. The bucket has no blocks, so this is the floor of
 * Query's memory, not its working set with history: that grows with the series a query touches.
 */
const queries = [
  "up",
  'sum by (job) (rate(prometheus_http_requests_total[5m]))',
  'count by (__name__) ({__name__=~"thanos_.+"})',
  "histogram_quantile(0.99, sum by (le) (rate(prometheus_http_request_duration_seconds_bucket[5m])))",
];

export async function benchThanosQuery(options: DataBenchOptions): Promise<MemoryMeasurement[]> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-thanos-"));
  const port = await freePort();
  const root = options.cwd ?? repoRoot;
  const plan = await runPlan({ stack: options.stack, cwd: root, configOverrides: localS3Override(root, options.stack, `http://127.0.0.1:${port}`) });
  const objstoreText = objstoreFileOf(plan.resources);
  const objstore = parseObjstore(objstoreText);
  const objstoreFile = path.join(workDir, "objstore.yml");
  fs.writeFileSync(objstoreFile, objstoreText, { mode: 0o600 });
  const s3 = await startS3({
    binary: toolPath("seaweedfs", "weed"),
    dataDir: path.join(workDir, "s3"),
    port,
    accessKey: objstore.config.access_key,
    secretKey: objstore.config.secret_key,
    lifetimeSeconds: options.seconds + 300,
  });
  try {
    const client = s3Client(targetOf(objstore, s3.endpoint));
    for (const spec of bucketSpecsOf(plan.resources)) await applyBucket(client, objstore.config.region, spec);
    client.destroy();
    const thanos = await startThanos({
      binary: toolPath("thanos"),
      values: thanosValuesOf(plan.resources),
      objstoreFile,
      workDir,
      lifetimeSeconds: options.seconds + 240,
    });
    let sent = 0;
    try {
      const started = Date.now();
      // Five queries a second, a dashboard refresh's worth, each over the last hour at 15 s steps.
      while (Date.now() - started < options.seconds * 1000) {
        const end = Math.floor(Date.now() / 1000);
        const params = new URLSearchParams({ query: queries[sent % queries.length], start: String(end - 3600), end: String(end), step: "15" });
        const response = await fetch(`${thanos.queryUrl}/api/v1/query_range?${params}`, { signal: AbortSignal.timeout(10_000) });
        if (!response.ok) throw new Error(`thanos query answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
        sent++;
        await sleep(200);
      }
      const requestMiB = sizingDefaults().thanosMiB;
      const note = `${sent} range queries in ${options.seconds} s against an empty bucket (floor, not history)`;
      return [
        { component: "Thanos Query", peakMiB: Math.round(thanos.query.peakRssKiB() / 1024), endMiB: Math.round(thanos.query.rssKiB() / 1024), requestMiB, note },
        { component: "Thanos Store Gateway", peakMiB: Math.round(thanos.store.peakRssKiB() / 1024), endMiB: Math.round(thanos.store.rssKiB() / 1024), requestMiB, note },
      ];
    } finally {
      await thanos.stop();
    }
  } finally {
    await s3.server.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
