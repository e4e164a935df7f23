/**
 * Files a reviewer can diff: the plan as JSON, and rendered YAML for Helm values, Kubernetes
 * objects and Talos machine configs. Secret leaves are written as "[secret]", never dropped, so a
 * diff still shows that a secret setting exists and where.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Document } from "yaml";
import type { CapturedResource } from "./recorder";
import type { PlanResult } from "./engine";
import { Secret, containsSecret, isSecret, redact } from "./secrets";

/** The JSON shape other tools read; keys are stable, absent values are null. */
export function planJson(plan: PlanResult): unknown {
  return {
    project: plan.project,
    stack: plan.stack,
    resources: plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      provider: r.provider ?? null,
      dependsOn: r.dependsOn,
      protect: r.protect,
      inputs: redact(r.inputs),
    })),
    outputs: redact(plan.outputs),
    capacity: plan.capacity ?? null,
    policyViolations: plan.policyViolations,
  };
}

export function writeJson(file: string, plan: PlanResult): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(planJson(plan), null, 2)}\n`);
}

export const outFolders = ["helm", "kubernetes", "talos"] as const;

/** Writes the three folders under `dir` (clearing them first) and returns the files written. */
export function writeOutDir(dir: string, plan: PlanResult): string[] {
  // Only these folders are ours: the directory may hold other things the user keeps there.
  for (const folder of outFolders) fs.rmSync(path.join(dir, folder), { recursive: true, force: true });
  const files = new Map<string, { value: unknown; source: string; multiDocument: boolean }>();
  const add = (segments: string[], value: unknown, source: string, multiDocument = false): void => {
    let file = path.join(dir, ...segments.map(safeSegment));
    for (let n = 2; files.has(file); n++) file = file.replace(/(\.values)?\.yaml$/, `-${n}$1.yaml`);
    files.set(file, { value, source, multiDocument });
  };

  const releases = plan.resources.filter((r) => r.custom && r.type === "kubernetes:helm.sh/v3:Release");
  const releaseNames = releases.map((r) => text(r.inputs.name) ?? r.name);
  releases.forEach((r, i) => {
    const name = releaseNames[i];
    // Two releases of one name (in different namespaces) keep the namespace in the file name.
    const clash = releaseNames.filter((n) => n === name).length > 1;
    const file = clash ? `${text(r.inputs.namespace) ?? "default"}.${name}` : name;
    add(["helm", `${file}.values.yaml`], r.inputs.values ?? {}, r.urn);
  });

  for (const r of plan.resources) {
    if (!r.custom || !r.type.startsWith("kubernetes:") || r.type === "kubernetes:helm.sh/v3:Release") continue;
    const object = kubernetesObject(r);
    const metadata = object.metadata as Record<string, unknown>;
    const kind = r.type.slice(r.type.lastIndexOf(":") + 1).toLowerCase();
    add(["kubernetes", kind, text(metadata.namespace) ?? "_cluster", `${text(metadata.name) ?? r.name}.yaml`], object, r.urn);
  }

  for (const r of plan.resources) {
    const configs = r.custom ? undefined : r.outputs?.machineConfigs;
    // A wholly secret map still renders per node, every leaf masked.
    const whole = isSecret(configs);
    const map = whole ? configs.value : configs;
    if (typeof map !== "object" || map === null) continue;
    // A list of documents (v1alpha1 config plus HostnameConfig, LinkConfig...) is written as the
    // multi-document stream talosctl reads.
    for (const [node, config] of Object.entries(map)) add(["talos", `${node}.yaml`], whole ? new Secret(config) : config, r.urn, true);
  }

  for (const [file, { value, source, multiDocument }] of files) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const redacted = redact(value);
    const parts = multiDocument && Array.isArray(redacted) && redacted.length > 0 ? redacted : [redacted];
    const docs = parts.map((part) => new Document(part, { aliasDuplicateObjects: false }));
    docs[0].commentBefore = ` Rendered by \`npm run plan\` (${plan.stack}) from ${source}\n Secret values are shown as [secret].`;
    fs.writeFileSync(file, docs.map((doc) => doc.toString({ lineWidth: 0 })).join("---\n"));
  }
  return [...files.keys()];
}

/** apiVersion, kind and metadata first (as in a manifest), then the rest of the inputs. */
function kubernetesObject(r: CapturedResource): Record<string, unknown> {
  const { apiVersion, kind, metadata, ...rest } = r.inputs;
  const token = r.type.split(":");
  const meta = typeof metadata === "object" && metadata !== null && !isSecret(metadata) ? (metadata as Record<string, unknown>) : {};
  return {
    apiVersion: apiVersion ?? token[1],
    kind: kind ?? token[2],
    // The provider would auto-name from the resource name (plus a suffix); the plan shows the base.
    metadata: { ...meta, name: meta.name ?? r.name },
    ...rest,
  };
}

/** A name usable in a file path; a secret one is masked rather than leaked into the path. */
function text(value: unknown): string | undefined {
  if (containsSecret(value)) return "_secret";
  return typeof value === "string" && value !== "" ? value : undefined;
}

function safeSegment(segment: string): string {
  const cleaned = segment.replace(/[^A-Za-z0-9._-]/g, "_");
  return cleaned === "." || cleaned === ".." || cleaned === "" ? `_${cleaned}` : cleaned;
}
