import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import type { CapturedResource } from "../plan/engine";
import { unwrapSecrets } from "../plan/engine";
import { secretKeys, secretNames } from "../../stacks/observability/metrics/names";
import { charts, grafanaPlugins } from "../../versions";

/**
 * The pieces of a plan (`runPlan` / `runStackPlan`) the live suite and the bench feed to real
 * servers: Helm values as the program passes them, the objstore Secret, the bucket settings and
 * every LogsQL query our dashboards carry. Read from the registered resources, so what runs
 * locally is what the program would deploy, not a second copy of the logic.
 */

type Inputs = Record<string, any>;
const inputs = (r: CapturedResource) => unwrapSecrets(r.inputs) as Inputs;

function only<T>(found: T[], what: string): T {
  if (found.length !== 1) throw new Error(`the plan has ${found.length} ${what}, expected exactly one`);
  return found[0];
}

/** Values of the Helm release of `chart` (chart name as versions.ts pins it). */
export function releaseValues(resources: readonly CapturedResource[], chart: string): Record<string, unknown> {
  const releases = resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").map(inputs);
  // OCI charts are registered as the full reference (oci://.../thanos), repository charts by name.
  const release = only(releases.filter((r) => r.chart === chart || String(r.chart).endsWith(`/${chart}`)), `Helm releases of ${chart}`);
  return release.values as Record<string, unknown>;
}

export const victoriaLogsValuesOf = (resources: readonly CapturedResource[]) => releaseValues(resources, charts.victoriaLogsSingle.chart);
export const collectorValuesOf = (resources: readonly CapturedResource[]) => releaseValues(resources, charts.victoriaLogsCollector.chart);
export const thanosValuesOf = (resources: readonly CapturedResource[]) => releaseValues(resources, charts.thanos.chart);

/** The objstore file exactly as the program writes it into the Secret. Holds the keys: never print it. */
export function objstoreFileOf(resources: readonly CapturedResource[]): string {
  const secrets = resources.filter((r) => r.type === "kubernetes:core/v1:Secret").map(inputs);
  const secret = only(secrets.filter((s) => s.metadata?.name === secretNames.objstore), `Secrets named ${secretNames.objstore}`);
  const text = secret.stringData?.[secretKeys.objstore];
  if (typeof text !== "string") throw new Error(`Secret ${secretNames.objstore} has no stringData key ${secretKeys.objstore}`);
  return text;
}

export interface ObjstoreS3 {
  readonly type: string;
  readonly config: { bucket: string; endpoint: string; region: string; access_key: string; secret_key: string; insecure: boolean; bucket_lookup_type: string };
}

export function parseObjstore(text: string): ObjstoreS3 {
  return YAML.parse(text) as ObjstoreS3;
}

/** One bucket as the program configures it: name, versioning status and lifecycle rules (provider input shape). */
export interface BucketSpec {
  readonly name: string;
  readonly versioningStatus: string;
  readonly lifecycleRules: readonly Inputs[];
}

export function bucketSpecsOf(resources: readonly CapturedResource[]): BucketSpec[] {
  const ofType = (type: string) => resources.filter((r) => r.type === type).map(inputs);
  const versioning = ofType("aws:s3/bucketVersioning:BucketVersioning");
  const lifecycle = ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
  return ofType("aws:s3/bucket:Bucket").map((bucket) => ({
    name: bucket.bucket,
    versioningStatus: only(versioning.filter((v) => v.bucket === bucket.bucket), `BucketVersionings of ${bucket.bucket}`).versioningConfiguration.status,
    lifecycleRules: only(lifecycle.filter((l) => l.bucket === bucket.bucket), `BucketLifecycleConfigurations of ${bucket.bucket}`).rules,
  }));
}

/** A LogsQL query of a dashboard panel, with how Grafana's VictoriaLogs datasource runs it. */
export interface DashboardLogsQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly expr: string;
  /** victorialogs-datasource QueryType: instant (raw logs), stats, statsRange. */
  readonly queryType: string;
}

/** Every LogsQL target of every dashboard ConfigMap in the plan (JSON files, VictoriaLogs datasource). */
export function dashboardLogsQueriesOf(resources: readonly CapturedResource[]): DashboardLogsQuery[] {
  const found: DashboardLogsQuery[] = [];
  for (const configMap of resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap").map(inputs)) {
    for (const [file, text] of Object.entries((configMap.data ?? {}) as Record<string, string>)) {
      if (!file.endsWith(".json")) continue;
      const dashboard = JSON.parse(text) as { title?: string; panels?: Inputs[] };
      for (const panel of dashboard.panels ?? []) {
        for (const target of panel.targets ?? []) {
          if (target.datasource?.type !== grafanaPlugins.victoriaLogsDatasource.id) continue;
          found.push({ dashboard: dashboard.title ?? file, panel: panel.title, expr: target.expr, queryType: target.queryType });
        }
      }
    }
  }
  return found;
}

/**
 * Config overrides that point the stack's `home-platform:s3` at a local endpoint, everything else
 * (bucket names, region, retention) as the stack file has it. The program then renders the
 * objstore Secret for that endpoint itself (port, `insecure` from the scheme).
 */
export function localS3Override(projectRoot: string, stack: string, endpoint: string): Record<string, unknown> {
  const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
  const config = (YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
  const s3 = config["home-platform:s3"];
  if (typeof s3 !== "object" || s3 === null) throw new Error(`${file} has no home-platform:s3`);
  return { "home-platform:s3": { ...s3, endpoint } };
}
