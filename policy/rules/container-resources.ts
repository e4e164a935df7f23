import { isWorkload, workloadContainers } from "./kubernetes";
import { isRecord, type ResourceRule, type Violation } from "./types";

/**
 * `container-resources` (mandatory): every container of a workload we declare has CPU and memory
 * requests (the scheduler and the capacity report count them) and a memory limit (a leak is
 * OOM-killed in its own container instead of starving the node). CPU limits are not required:
 * they throttle bursty pods without protecting anyone (house style, config/schema/primitives.ts).
 */

const required = [
  ["requests", "cpu"],
  ["requests", "memory"],
  ["limits", "memory"],
] as const;

export const containerResources: ResourceRule = {
  kind: "resource",
  name: "container-resources",
  description: "Every container we declare sets CPU and memory requests and a memory limit.",
  enforcement: "mandatory",
  check(resource): Violation[] {
    if (!isWorkload(resource)) return [];
    return workloadContainers(resource).flatMap(({ where, spec }) => {
      const resources = isRecord(spec.resources) ? spec.resources : {};
      const missing = required
        .filter(([section, key]) => {
          const values = resources[section];
          const value = isRecord(values) ? values[key] : undefined;
          return value === undefined || value === null || value === "";
        })
        .map(([section, key]) => `${section}.${key}`);
      return missing.length === 0 ? [] : [{ message: `${where} has no ${missing.join(", ")}` }];
    });
  },
};
