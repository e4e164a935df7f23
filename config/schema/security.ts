import { z } from "zod";
import { cidrv4, dnsLabel, positiveInt, resourcesWithDefault } from "./primitives";

/** Tetragon event types, as its export filters and the `tetragon_events_total{type}` label spell them. */
export const tetragonEventTypes = [
  "PROCESS_EXEC",
  "PROCESS_EXIT",
  "PROCESS_KPROBE",
  "PROCESS_TRACEPOINT",
  "PROCESS_UPROBE",
  "PROCESS_LSM",
] as const;

export const securitySchema = z.strictObject({
  /** Namespace for Tetragon; labelled privileged for pod security. Defaults to "security". */
  namespace: dnsLabel.default("security"),
  tetragon: z
    .strictObject({
      resources: resourcesWithDefault("100m", "256Mi", "1Gi"),
      exportResources: resourcesWithDefault("10m", "32Mi", "128Mi"),
      /** The operator that installs the TracingPolicy CRDs. Defaults to the chart's requests (10m, 64Mi). */
      operatorResources: resourcesWithDefault("10m", "64Mi", "128Mi"),
      /** Event types written to the export (and so to VictoriaLogs). Defaults to every process event type. */
      exportEventTypes: z.array(z.enum(tetragonEventTypes)).min(1).default([...tetragonEventTypes]),
      /**
       * Namespaces whose exec/exit events are dropped from the export (noise). Policy hits there are
       * still exported. Defaults to kube-system.
       */
      exportDenyNamespaces: z.array(dnsLabel).default(["kube-system"]),
      /** Export exec/exit events of host processes (Talos' own services) too. Defaults to false. */
      exportHostEvents: z.boolean().default(false),
      /** Switch tracing policies from observing (Post) to killing offenders (Sigkill). Defaults to false. */
      enforce: z.boolean().default(false),
    })
    .prefault({}),
  /** Networks that are not "outside": egress there is not reported. */
  trustedCidrs: z.array(cidrv4).default([]),
  /** Destination ports that are always suspicious. */
  sensitivePorts: z.array(z.number().int().min(1).max(65535)).default([22, 23, 3389, 4444, 5900, 6667]),
  alerts: z
    .strictObject({
      /** Failed Kubernetes API authentications within 5 minutes that fire the alert (brute force). Defaults to 10. */
      authFailuresPer5m: positiveInt.default(10),
      /** Reported egress connections of one pod within 5 minutes that fire the alert. Defaults to 5. */
      suspiciousConnectionsPer5m: positiveInt.default(5),
      /**
       * Namespaces that run CI jobs, where running binaries from /tmp (`go test` does) and switching
       * to root (`sudo` in a job) are normal: AbnormalProcessExecution and PrivilegeEscalationDetected
       * skip them. Their events are still exported and counted. The runners' own namespace is added
       * by the program when runners are enabled; list only other CI namespaces here. Defaults to none.
       */
      ciNamespaces: z.array(dnsLabel).default([]),
    })
    .prefault({}),
});

export type SecurityConfig = z.infer<typeof securitySchema>;
