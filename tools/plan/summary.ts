/** The human-readable plan: resource tree, counts, stack outputs and the capacity table. */
import type { CapacityReport } from "./capacity";
import type { PlanResult } from "./engine";
import { redact } from "./secrets";

export function formatSummary(plan: PlanResult): string {
  const lines: string[] = [`Plan for ${plan.project}/${plan.stack} (offline: mock engine, simulated provider outputs)`, ""];
  lines.push(`Resources (${plan.resources.length})`, ...tree(plan), "");
  lines.push("By type", ...counts(plan), "");
  lines.push("Helm releases", ...releases(plan), "");
  lines.push("Stack outputs", ...outputs(plan), "");
  if (plan.capacity) lines.push(...capacity(plan.capacity), "");
  lines.push(...policy(plan), "");
  if (plan.warnings.length > 0) lines.push("Warnings", ...plan.warnings.map((w) => `  ${w}`), "");
  return lines.join("\n");
}

function tree(plan: PlanResult): string[] {
  const children = new Map<string | undefined, PlanResult["resources"]>();
  const known = new Set(plan.resources.map((r) => r.urn));
  for (const resource of plan.resources) {
    // A parent the plan never saw (e.g. registered by a failed branch) must not hide its children.
    const parent = resource.parent !== undefined && known.has(resource.parent) ? resource.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), resource]);
  }
  const out: string[] = [];
  const walk = (parent: string | undefined, depth: number): void => {
    for (const r of children.get(parent) ?? []) {
      out.push(`${"  ".repeat(depth + 1)}${r.type}  ${r.name}${r.protect ? "  [protected]" : ""}`);
      walk(r.urn, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}

/** Every chart with its pinned version: the line a reviewer checks on a bump. */
function releases(plan: PlanResult): string[] {
  const rows = plan.resources
    .filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
    .map((r) => [String(r.inputs.name ?? r.name), String(r.inputs.chart), String(r.inputs.version ?? "(unpinned)"), String(r.inputs.namespace ?? "")]);
  return rows.length > 0 ? table([["release", "chart", "version", "namespace"], ...rows], ["left", "left", "left", "left"]) : ["  (none)"];
}

function policy(plan: PlanResult): string[] {
  const mandatory = plan.policyViolations.filter((v) => v.enforcement === "mandatory").length;
  const header = `Policy pack: ${mandatory} mandatory, ${plan.policyViolations.length - mandatory} advisory violation(s)`;
  return [header, ...plan.policyViolations.map((v) => `  [${v.enforcement}] ${v.policy}: ${v.resource}: ${v.message}`)];
}

function counts(plan: PlanResult): string[] {
  const byType = new Map<string, number>();
  for (const r of plan.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  const sorted = [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return table(sorted.map(([type, n]) => [String(n), type]), ["right", "left"]);
}

function outputs(plan: PlanResult): string[] {
  const entries = Object.entries(plan.outputs);
  if (entries.length === 0) return ["  (none)"];
  return entries.map(([key, value]) => {
    const shown = redact(value);
    return `  ${key}: ${typeof shown === "string" ? shown : JSON.stringify(shown)}`;
  });
}

function capacity(report: CapacityReport): string[] {
  const lines = ["Capacity"];
  if (report.hosts.length > 0) {
    const rows = report.hosts.map((h) => [
      h.name,
      `${h.vmCores}/${h.cpuCores} cores`,
      pct(h.cpuPercent),
      `${gib(h.vmMemoryMiB)}/${gib(h.memoryMiB)} GiB`,
      pct(h.memoryPercent),
      h.vms.map((vm) => vm.name).join(", "),
    ]);
    lines.push(...table([["Proxmox host", "VM CPU", "", "VM memory", "", "VMs"], ...rows], ["left", "right", "right", "right", "right", "left"]));
    lines.push("");
  }
  const rows: string[][] = [];
  for (const stack of report.stacks) {
    rows.push([stack.stack, `${stack.cpuMillis}m`, pct(stack.cpuPercent), `${mib(stack.memoryMiB)}Mi`, pct(stack.memoryPercent)]);
    for (const w of stack.workloads) {
      const replicas = w.replicas === "perNode" ? `perNode=${w.effectiveReplicas}` : `×${w.replicas}`;
      rows.push([`  ${w.workload} ${replicas}`, `${w.cpuMillis * w.effectiveReplicas}m`, "", `${mib(w.memoryMiB * w.effectiveReplicas)}Mi`, ""]);
    }
  }
  const t = report.total;
  rows.push(["total", `${t.cpuMillis}m`, pct(t.cpuPercent), `${mib(t.memoryMiB)}Mi`, pct(t.memoryPercent)]);
  rows.push([
    `allocatable (${report.schedulableNodes} schedulable nodes)`,
    `${report.allocatableCpuMillis}m`,
    "",
    `${mib(report.allocatableMemoryMiB)}Mi`,
    "",
  ]);
  lines.push(...table([["Workload requests", "CPU", "", "Memory", ""], ...rows], ["left", "right", "right", "right", "right"]));
  if (report.volumes.nodes.length > 0) {
    // Local volumes stay where their pod first ran; nothing spreads them, so each node must be able to hold them all.
    const count = report.volumes.nodes.length;
    const volumeRows = report.volumes.nodes.map((node) => [
      node.name,
      `${node.diskGiB} GiB`,
      `${gib(report.volumes.requestedMiB)} GiB`,
      pct(node.percent),
      `${gib(report.volumes.requestedMiB / count)} GiB`,
      pct(node.spreadPercent),
    ]);
    lines.push("", ...table([["Volume claims on node disks", "Disk", "All on it", "", "Spread", ""], ...volumeRows], ["left", "right", "right", "right", "right", "right"]));
  }
  return lines;
}

function table(rows: readonly (readonly string[])[], align: readonly ("left" | "right")[]): string[] {
  const widths = align.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((row) =>
    `  ${row.map((cell, i) => (align[i] === "right" ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ")}`.trimEnd(),
  );
}

function pct(value: number | null): string {
  return value === null ? "" : `(${value}%)`;
}

function gib(mebibytes: number): string {
  return (mebibytes / 1024).toFixed(1);
}

function mib(mebibytes: number): string {
  return Number.isInteger(mebibytes) ? String(mebibytes) : mebibytes.toFixed(1);
}
