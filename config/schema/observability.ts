import { z } from "zod";
import { dnsLabel, duration, expected, ipv4, resourcesWithDefault, storageSize } from "./primitives";

/** Syslog exposure: a TCPRoute/UDPRoute pair on an existing Gateway, or a LoadBalancer Service. */
const syslogExposure = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("gateway"),
      /** Existing Gateway that has TCP and UDP listeners for port 514. */
      gatewayName: dnsLabel,
      gatewayNamespace: dnsLabel,
      /** Listener names on that Gateway (sectionName). Default "syslog-tcp" / "syslog-udp". */
      tcpListener: dnsLabel.default("syslog-tcp"),
      udpListener: dnsLabel.default("syslog-udp"),
      /** Address network devices send to (the Gateway's); reported in the syslogEndpoint output. */
      address: ipv4,
      /** Gateway API version of TCPRoute/UDPRoute: v1 for Gateway API >= 1.6. Defaults to v1. */
      routeApiVersion: z.enum(["v1", "v1alpha2"]).default("v1"),
    }),
    z.strictObject({
      type: z.literal("loadBalancer"),
      /** Fixed address for the Service (inside the node network). */
      address: ipv4,
    }),
  ],
  { error: expected("must have type gateway or loadBalancer") },
);

export const observabilitySchema = z.strictObject({
  /** Namespace for Prometheus, Alertmanager, Grafana and Thanos. Defaults to "monitoring". */
  namespace: dnsLabel.default("monitoring"),
  /** Namespace for VictoriaLogs and the log collector. Defaults to "logging". */
  logsNamespace: dnsLabel.default("logging"),
  /** StorageClass for every volume; the cluster default when absent. */
  storageClass: dnsLabel.optional(),
  prometheus: z
    .strictObject({
      /** Local retention; Thanos keeps the long history. Defaults to 7d. */
      retention: duration.default("7d"),
      volumeSize: storageSize.default("20Gi"),
      resources: resourcesWithDefault("250m", "1Gi", "2Gi"),
    })
    .prefault({}),
  alertmanager: z
    .strictObject({
      volumeSize: storageSize.default("1Gi"),
      resources: resourcesWithDefault("20m", "64Mi", "128Mi"),
    })
    .prefault({}),
  grafana: z
    .strictObject({
      /** Hostname Grafana is reached at (reported in the grafanaUrl output). */
      hostname: z.string().min(1).optional(),
      resources: resourcesWithDefault("50m", "256Mi", "512Mi"),
    })
    .prefault({}),
  thanos: z
    .strictObject({
      /** Compactor retention per resolution (raw, 5m, 1h downsampled). */
      retention: z
        .strictObject({ raw: duration.default("30d"), fiveMinutes: duration.default("180d"), oneHour: duration.default("2y") })
        .prefault({}),
      compactorVolumeSize: storageSize.default("10Gi"),
      storeVolumeSize: storageSize.default("5Gi"),
      resources: resourcesWithDefault("50m", "256Mi", "512Mi"),
    })
    .prefault({}),
  victoriaLogs: z.strictObject({
    retention: duration.default("14d"),
    volumeSize: storageSize.default("50Gi"),
    resources: resourcesWithDefault("100m", "256Mi", "1Gi"),
    /** Collector DaemonSet sizing. */
    collectorResources: resourcesWithDefault("50m", "64Mi", "256Mi"),
    syslog: syslogExposure,
  }),
});

export type ObservabilityConfig = z.infer<typeof observabilitySchema>;
