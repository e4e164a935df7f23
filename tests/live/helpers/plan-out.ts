import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { runPlanCli } from "../../helpers/plan-cli";

/**
 * What `npm run plan -- --stack S --out DIR` writes (tools/plan/writers.ts): Kubernetes objects
 * under kubernetes/<kind>/<namespace>/<name>.yaml, Helm values under helm/<release>.values.yaml
 * (charts are not templated offline) and Talos machine configs under talos/<node>.yaml. Secret
 * values are the string "[secret]", which is a valid stringData value, so objects apply as written.
 */
export interface PlanOut {
  readonly dir: string;
  /** Every file under kubernetes/, with the object it holds and the URN it was rendered from. */
  readonly objects: readonly { file: string; urn: string; object: KubeObject }[];
  /**
   * The objects in waves, as the Pulumi engine creates them: an object comes after everything it
   * depends on (dependsOn and parent, from `--json`). Applying a whole plan at once instead would
   * race, e.g. a Job's Pod against the ServiceAccount it names.
   */
  waves(): KubeObject[][];
  /** Helm values of one release (by release name). */
  helmValues(release: string): Record<string, any>;
  /** A Helm release's name, namespace and chart version as the plan registers it (from `--json`). */
  helmRelease(release: string): { name: string; namespace: string; chart: string; version: string };
  /** The first Talos machine config document of the first node. */
  talosConfig(): Record<string, any>;
  remove(): void;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
}

export async function planOut(stack: string): Promise<PlanOut> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `home-platform-plan-${stack}-`));
  const run = await runPlanCli(["--stack", stack, "--out", dir, "--json", path.join(dir, "plan.json")]);
  if (run.status !== 0) throw new Error(`npm run plan -- --stack ${stack} failed: ${run.stderr.trim().split("\n").pop()}`);
  const files = (sub: string) =>
    fs.existsSync(path.join(dir, sub))
      ? (fs.readdirSync(path.join(dir, sub), { recursive: true }) as string[]).filter((f) => f.endsWith(".yaml")).sort().map((f) => path.join(dir, sub, f))
      : [];
  const objects = files("kubernetes").map((file) => {
    const text = fs.readFileSync(file, "utf8");
    // writers.ts heads each file with "Rendered by `npm run plan` (STACK) from URN".
    const urn = / from (urn:pulumi:\S+)/.exec(text)?.[1];
    if (!urn) throw new Error(`${file} does not name the resource it was rendered from`);
    return { file, urn, object: YAML.parse(text) as KubeObject };
  });
  const resources = () =>
    (JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8")) as { resources: { urn: string; type: string; parent: string | null; dependsOn: string[]; inputs: Record<string, any> }[] }).resources;
  return {
    dir,
    objects,
    helmValues(release) {
      const file = path.join(dir, "helm", `${release}.values.yaml`);
      if (!fs.existsSync(file)) throw new Error(`the ${stack} plan has no Helm release ${release} (${file})`);
      return YAML.parse(fs.readFileSync(file, "utf8")) as Record<string, any>;
    },
    waves() {
      const byUrn = new Map(resources().map((r) => [r.urn, r]));
      const depth = new Map<string, number>();
      const depthOf = (urn: string, seen: Set<string>): number => {
        if (depth.has(urn)) return depth.get(urn)!;
        const r = byUrn.get(urn);
        if (!r || seen.has(urn)) return 0;
        seen.add(urn);
        const deps = [...r.dependsOn, ...(r.parent ? [r.parent] : [])];
        const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((dep) => depthOf(dep, seen)));
        depth.set(urn, d);
        return d;
      };
      const waves: KubeObject[][] = [];
      for (const { urn, object } of objects) {
        const d = depthOf(urn, new Set());
        (waves[d] ??= []).push(object);
      }
      return waves.filter((wave) => wave !== undefined);
    },
    helmRelease(release) {
      const found = resources().find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === release);
      if (!found) throw new Error(`the ${stack} plan has no Helm release named ${release}`);
      return { name: release, namespace: found.inputs.namespace, chart: found.inputs.chart, version: found.inputs.version };
    },
    talosConfig() {
      const [first] = files("talos");
      if (!first) throw new Error(`the ${stack} plan has no Talos machine config`);
      return YAML.parseAllDocuments(fs.readFileSync(first, "utf8"))[0].toJS() as Record<string, any>;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The control-plane options a Talos machine config gives its API server (Pod Security defaults, audit policy). */
export function apiServerSettings(talos: Record<string, any>): { podSecurity?: object; auditPolicy?: object } {
  const apiServer = talos.cluster?.apiServer ?? {};
  const podSecurity = (apiServer.admissionControl ?? []).find((plugin: { name: string }) => plugin.name === "PodSecurity")?.configuration;
  return { podSecurity, auditPolicy: apiServer.auditPolicy };
}
