/**
 * Stacks talk through one public surface each (stacks/<stack>/public.ts, re-exported by the
 * stack's index.ts). These tests hold the contract from both sides: what the program actually
 * deploys agrees across stacks, and no stack reaches into another's internals.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, resourcesOfType, runStackPlan, unwrapSecrets } from "../helpers";
import type { PlanResult } from "../../tools/plan/engine";

const stacksDir = path.join(repoRoot, "stacks");
/** Folders under stacks/ that are not stacks: shared builders any stack may import. */
const notStacks = new Set(["building-blocks"]);

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Relative import specifiers of a TypeScript file, resolved to paths without extension. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]*)"/g)].map((m) => m[1]);
  return specs.map((spec) => path.resolve(path.dirname(file), spec));
}

describe("Grafana's dashboard sidecar and the dashboards the stacks ship", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await runStackPlan("home");
  });

  it("every dashboard ConfigMap carries the label Grafana's sidecar selects, in a namespace it searches", () => {
    const [kps] = resourcesOfType(plan.resources, "kubernetes:helm.sh/v3:Release").filter(
      (release) => (release.inputs as { chart?: string }).chart === "kube-prometheus-stack",
    );
    const values = unwrapSecrets(kps.inputs.values) as { grafana: { sidecar: { dashboards: { label: string; labelValue: string; searchNamespace: string } } } };
    const sidecar = values.grafana.sidecar.dashboards;
    const dashboards = resourcesOfType(plan.resources, "kubernetes:core/v1:ConfigMap").filter((configMap) =>
      Object.entries((configMap.inputs.data ?? {}) as Record<string, string>).some(([key, text]) => key.endsWith(".json") && "panels" in JSON.parse(text)),
    );
    // The security stack's Tetragon dashboard, at least: an empty list would check nothing.
    expect(dashboards.map((d) => d.name)).toContain("security-dashboard");
    expect(sidecar.searchNamespace).toBe("ALL");
    for (const dashboard of dashboards) {
      const labels = (dashboard.inputs.metadata as { labels?: Record<string, string> }).labels ?? {};
      expect({ name: dashboard.name, value: labels[sidecar.label] }).toEqual({ name: dashboard.name, value: sidecar.labelValue });
    }
  });
});

describe("stack boundaries", () => {
  const stacks = fs.readdirSync(stacksDir, { withFileTypes: true }).filter((e) => e.isDirectory() && !notStacks.has(e.name)).map((e) => e.name);

  it("finds the stacks", () => {
    expect(stacks).toEqual(expect.arrayContaining(["observability", "runners", "security"]));
  });

  it.each(stacks)("%s has one public surface: public.ts, re-exported by its index.ts", (stack) => {
    expect(fs.existsSync(path.join(stacksDir, stack, "public.ts"))).toBe(true);
    expect(fs.readFileSync(path.join(stacksDir, stack, "index.ts"), "utf8")).toMatch(/^export \* from "\.\/public";$/m);
  });

  it.each(stacks)("%s imports other stacks only through their index", (stack) => {
    const leaks: string[] = [];
    for (const file of tsFiles(path.join(stacksDir, stack))) {
      for (const target of importsOf(file)) {
        const rel = path.relative(stacksDir, target).split(path.sep);
        if (rel[0] === ".." || rel[0] === stack || notStacks.has(rel[0])) continue;
        if (rel.length === 1 || (rel.length === 2 && rel[1] === "index")) continue;
        leaks.push(`${path.relative(repoRoot, file)} → ${path.relative(repoRoot, target)}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("the dashboard sidecar label is spelled once, in the observability stack's surface", () => {
    const spelled = tsFiles(stacksDir).filter((file) => fs.readFileSync(file, "utf8").includes("grafana_dashboard"));
    expect(spelled.map((file) => path.relative(repoRoot, file))).toEqual(["stacks/observability/public.ts"]);
  });
});
