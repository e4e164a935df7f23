import { z } from "zod";
import { binarySizeToMiB, retentionToHours, strictCpuToMillis } from "../../lib/quantity";

/**
 * Building blocks shared by every config section. Messages are written for an operator reading
 * `config error: <key>: <message>`, so they say what is expected, not how zod failed.
 */

/**
 * A zod error map: "is required" when the key is missing, otherwise what the value must look
 * like. Without it a custom message would also be shown for a key that was simply left out.
 */
export function expected(description: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : description);
}

export const ipv4 = z.ipv4({ error: expected("must be an IPv4 address like 192.168.35.11") });

export const cidrv4 = z.cidrv4({ error: expected("must be an IPv4 CIDR like 192.168.35.0/24") });

export const positiveInt = z
  .number({ error: expected("must be a whole number") })
  .int({ error: expected("must be a whole number") })
  .positive({ error: expected("must be greater than 0") });

/** DNS-1123 label: what Kubernetes accepts for names and what Talos accepts for hostnames. */
export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
    error: expected("must be lowercase letters, digits and '-', starting and ending with a letter or digit"),
  });

/** A storage or memory size in Kubernetes binary units ("50Gi"), strictly greater than zero. */
export const storageSize = z.string().refine((value) => (binarySizeToMiB(value) ?? 0) > 0, "must be a size greater than zero in Ki/Mi/Gi/Ti, like 50Gi");

/** CPU in Kubernetes units ("250m", "1", "1.5"), strictly greater than zero. */
export const cpuQuantity = z.string().refine((value) => (strictCpuToMillis(value) ?? 0) > 0, "must be a CPU amount greater than zero, like 250m or 2");

/** A retention period as Prometheus, Thanos and VictoriaLogs spell it ("14d", "12h", "2y"). */
export const duration = z.string().refine((value) => (retentionToHours(value) ?? 0) > 0, "must be a duration greater than zero like 14d, 12h or 1y");

/** Container requests and limits. CPU limits are optional on purpose: they throttle bursty pods. */
export const resources = z.strictObject({
  requests: z.strictObject({ cpu: cpuQuantity, memory: storageSize }),
  limits: z.strictObject({ cpu: cpuQuantity.optional(), memory: storageSize }),
});

/** `resources` with a default, so each stack documents its sizing next to the schema. */
export function resourcesWithDefault(requestsCpu: string, requestsMemory: string, limitsMemory: string) {
  return resources.default({
    requests: { cpu: requestsCpu, memory: requestsMemory },
    limits: { memory: limitsMemory },
  });
}

export const timezone = z.string().refine((value) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone like America/New_York");
