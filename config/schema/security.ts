import { z } from "zod";
import { cidrv4, dnsLabel, positiveInt, resourcesWithDefault } from "./primitives";

export const securitySchema = z.strictObject({
  /** Namespace for Tetragon; labelled privileged for pod security. Defaults to "security". */
  namespace: dnsLabel.default("security"),
  tetragon: z
    .strictObject({
      resources: resourcesWithDefault("100m", "256Mi", "1Gi"),
      exportResources: resourcesWithDefault("10m", "32Mi", "128Mi"),
      /** Namespaces whose events are dropped from the export (noise). Defaults to kube-system. */
      exportDenyNamespaces: z.array(dnsLabel).default(["kube-system"]),
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
      /** Failed-authentication events per 5 minutes that count as brute force. Defaults to 10. */
      authFailuresPer5m: positiveInt.default(10),
      /** Suspicious egress connections per 5 minutes before alerting. Defaults to 5. */
      suspiciousConnectionsPer5m: positiveInt.default(5),
    })
    .prefault({}),
});

export type SecurityConfig = z.infer<typeof securitySchema>;
