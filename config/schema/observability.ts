import { z } from "zod";
import { cidrv4, dnsLabel, duration, expected, ipv4, resourcesWithDefault, storageSize } from "./primitives";
import { retentionToHours } from "../../lib/quantity";

/** VictoriaLogs refuses to start with a retention under a day. Malformed values are `duration`'s to report. */
function atLeastOneDay(value: string): boolean {
  const hours = retentionToHours(value);
  return hours === undefined || hours >= 24;
}

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
      /**
       * Namespace of the Gateway's proxy pods, the ones that connect to VictoriaLogs. Envoy Gateway
       * runs them in its own namespace (envoy-gateway-system) unless its GatewayNamespace mode is on.
       * Defaults to gatewayNamespace.
       */
      proxyNamespace: dnsLabel.optional(),
    }),
    z.strictObject({
      type: z.literal("loadBalancer"),
      /** Fixed address for the Service (inside the node network). */
      address: ipv4,
      /**
       * Networks besides the node network whose devices may send syslog (the Service keeps client
       * addresses, so NetworkPolicy sees them). Defaults to none: only the node network.
       */
      sourceCidrs: z.array(cidrv4).default([]),
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
      /**
       * Namespace of node-exporter, labelled privileged (it needs the host's network, PID namespace
       * and filesystem). Kept apart so Prometheus, Grafana and Thanos run under restricted.
       * Defaults to "<namespace>-node-exporter".
       */
      nodeExporterNamespace: dnsLabel.optional(),
      /**
       * Scrape kube-controller-manager, kube-scheduler, etcd and kube-proxy. Talos binds their
       * metrics to localhost by default, so scraping them only works once the machine config
       * exposes them on the node address (bind-address, listen-metrics-urls, metrics-bind-address);
       * until then their targets would be reported down and page. Defaults to false.
       */
      scrapeControlPlane: z.boolean().default(false),
    })
    .prefault({}),
  alertmanager: z
    .strictObject({
      volumeSize: storageSize.default("1Gi"),
      // Measured by `npm run bench` (tools/bench/alertmanager.ts, 2026-12, Alertmanager v0.34.0
      // with our route, 300 firing alerts re-sent every 15 s for 60 s): peak RSS 38-43 MiB.
      // 64Mi is 1.5x that; the 128Mi limit leaves room for silences and a long alert storm.
      resources: resourcesWithDefault("20m", "64Mi", "128Mi"),
    })
    .prefault({}),
  grafana: z
    .strictObject({
      /**
       * Hostname Grafana is reached at: Grafana's root_url and the grafanaUrl output become
       * https://<hostname>. This program creates no Ingress or HTTPRoute for it; your own
       * ingress controller or Gateway must serve that hostname and forward to the Grafana
       * Service (see ingressNamespace). Without it, grafanaUrl is the in-cluster Service URL.
       */
      hostname: z.string().min(1).optional(),
      /**
       * Namespace of the ingress controller or Gateway proxy pods that forward to Grafana.
       * Grafana's NetworkPolicy then admits them on its HTTP port; without it, only the node
       * network (kubectl port-forward, host-network proxies) may connect. Defaults to none.
       */
      ingressNamespace: dnsLabel.optional(),
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
      // Per component (Query, Store Gateway, Compactor). Measured by `npm run bench`
      // (tools/bench/thanos-query.ts, 2026-12, Thanos v0.42.4, our chart args, 5 range queries/s
      // for 60 s): peak RSS Query 73 MiB, Store Gateway 69 MiB, against an empty bucket, so the
      // floor: 256Mi is 3.5x that, left for the series and index headers history adds.
      resources: resourcesWithDefault("50m", "256Mi", "512Mi"),
    })
    .prefault({}),
  victoriaLogs: z.strictObject({
    /** How long logs are kept (VictoriaLogs' minimum is one day). Defaults to 14d. */
    retention: duration.refine(atLeastOneDay, "must be at least 24h; VictoriaLogs keeps at least one day").default("14d"),
    volumeSize: storageSize.default("50Gi"),
    /**
     * Disk usage (percent of the volume) above which VictoriaLogs drops its oldest days, so a full
     * volume shortens history instead of stopping ingestion. At most 85: the disk alert fires at 90.
     * Defaults to 80.
     */
    maxDiskUsagePercent: z.number().int("must be a whole number").min(10, "must be at least 10").max(85, "must be at most 85: the VictoriaLogsDiskNearlyFull alert fires at 90").default(80),
    // Measured by `npm run bench` (tools/bench/data.ts, 2026-12, VictoriaLogs v1.52.1 with our
    // chart flags, 200 syslog msgs/s for 60 s, UDP RFC 3164 + TCP RFC 5424): peak RSS 36-42 MiB.
    // 256Mi is 6x that, for query caches and bursts (a firewall flood, Tetragon event storms).
    resources: resourcesWithDefault("100m", "256Mi", "1Gi"),
    /** Collector DaemonSet sizing. */
    collectorResources: resourcesWithDefault("50m", "64Mi", "256Mi"),
    /**
     * Namespace of the log collector, labelled privileged (it reads the nodes' /var/log). Kept apart
     * so VictoriaLogs itself runs under restricted. Defaults to "<logsNamespace>-collector".
     */
    collectorNamespace: dnsLabel.optional(),
    /**
     * Pod-log fields added to the log stream (besides container, pod and namespace). Keep them
     * low-cardinality: each distinct value set is a new stream. Defaults to none.
     */
    extraStreamFields: z.array(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.\/-]*$/, "must be a log field name like kubernetes.pod_labels.app")).default([]),
    syslog: syslogExposure,
  }),
});

export type ObservabilityConfig = z.infer<typeof observabilitySchema>;
