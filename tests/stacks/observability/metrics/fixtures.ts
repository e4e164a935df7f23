import { observabilitySchema, type ObservabilityConfig } from "../../../../config/schema/observability";

/** The smallest accepted observability config: every metrics key at its default. */
export const defaultConfig: ObservabilityConfig = observabilitySchema.parse({
  victoriaLogs: { syslog: { type: "loadBalancer", address: "192.168.35.15" } },
});

/** Every metrics key set to something other than its default. */
export const tunedConfig: ObservabilityConfig = observabilitySchema.parse({
  namespace: "metrics",
  storageClass: "ceph-block",
  prometheus: {
    retention: "3d",
    volumeSize: "75Gi",
    resources: { requests: { cpu: "750m", memory: "3Gi" }, limits: { cpu: "2", memory: "6Gi" } },
    nodeExporterNamespace: "host-metrics",
  },
  alertmanager: { volumeSize: "2Gi", resources: { requests: { cpu: "30m", memory: "96Mi" }, limits: { memory: "192Mi" } } },
  grafana: { hostname: "grafana.home.example", resources: { requests: { cpu: "120m", memory: "384Mi" }, limits: { memory: "768Mi" } } },
  thanos: {
    retention: { raw: "14d", fiveMinutes: "90d", oneHour: "1y" },
    compactorVolumeSize: "25Gi",
    storeVolumeSize: "12Gi",
    resources: { requests: { cpu: "80m", memory: "320Mi" }, limits: { memory: "900Mi" } },
  },
  victoriaLogs: { syslog: { type: "loadBalancer", address: "192.168.35.15" } },
});

export const victoriaLogsUrl = "http://vls-victoria-logs-single-server.logging.svc.cluster.local:9428";
export const timezone = "America/New_York";
export const nodeCidr = "192.168.35.0/24";

/** The value at a dotted path (keys may contain dots when quoted in `segments`). */
export function at(values: unknown, ...segments: string[]): unknown {
  return segments.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);
}
