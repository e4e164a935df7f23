import type { FoundationsConfig } from "../../config/schema";

/** Helm values for OpenEBS LocalPV hostpath (keys checked against the pinned values.yaml). */

export const provisionerResources = { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } } as const;

export function localPvValues(storage: FoundationsConfig["storage"]): Record<string, unknown> {
  return {
    localpv: { basePath: storage.basePath, resources: provisionerResources },
    hostpathClass: {
      name: storage.className,
      // Every PVC without a class (all of ours: the stacks leave storageClassName unset) lands here.
      isDefaultClass: true,
      // Prometheus, VictoriaLogs and Thanos keep their data on these volumes: deleting a claim
      // (a chart uninstall, a renamed StatefulSet) must not delete the directory with it.
      reclaimPolicy: "Retain",
      basePath: storage.basePath,
    },
    // The provisioner phones home daily by default; a homelab cluster has no reason to.
    analytics: { enabled: false },
  };
}
