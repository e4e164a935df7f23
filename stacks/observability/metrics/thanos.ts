import type { ObservabilityConfig } from "../../../config/schema";
import type { MetricsConfig } from "./index";
import { secretKeys, secretNames, sidecarEndpoint } from "./names";

/**
 * Values for the stevehipwell `thanos` chart: Query (pointed at the Prometheus sidecars; the chart
 * adds its own store gateway), the store gateway and the compactor, all reading the objstore
 * Secret this stack creates. Bitnami's chart is avoided: its images are no longer published.
 */

export interface ThanosValuesInput {
  readonly config: MetricsConfig;
  readonly namespace: string;
}

/** Compactor retention flags, one per resolution (raw, 5m and 1h downsampled blocks). */
export function compactorRetentionArgs(retention: ObservabilityConfig["thanos"]["retention"]): string[] {
  return [
    `--retention.resolution-raw=${retention.raw}`,
    `--retention.resolution-5m=${retention.fiveMinutes}`,
    `--retention.resolution-1h=${retention.oneHour}`,
  ];
}

/**
 * The chart defaults `storageClass` to "standard"; an empty string makes its template omit
 * storageClassName, so the cluster's default StorageClass applies.
 */
function storageClassValue(storageClass: string | undefined): string {
  return storageClass ?? "";
}

export function thanosValues({ config, namespace }: ThanosValuesInput): Record<string, unknown> {
  const { thanos, storageClass } = config;
  return {
    objstoreConfig: { create: false, name: secretNames.objstore, key: secretKeys.objstore },
    // The store gateway is added by the chart itself; the sidecars are found through DNS SRV.
    additionalEndpoints: [sidecarEndpoint(namespace)],
    // The operator labels each Prometheus replica's series with prometheus_replica; Query and the
    // compactor merge replicas on it, so a second Prometheus replica needs no change here.
    additionalReplicaLabels: ["prometheus_replica"],
    serviceMonitor: { enabled: true },
    query: { enabled: true, resources: thanos.resources },
    storeGateway: {
      enabled: true,
      resources: thanos.resources,
      persistence: { enabled: true, storageClass: storageClassValue(storageClass), size: thanos.storeVolumeSize },
    },
    compact: {
      enabled: true,
      resources: thanos.resources,
      persistence: { enabled: true, storageClass: storageClassValue(storageClass), size: thanos.compactorVolumeSize },
      extraArgs: compactorRetentionArgs(thanos.retention),
    },
  };
}
