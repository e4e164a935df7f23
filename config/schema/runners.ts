import { z } from "zod";
import { cidrv4, dnsLabel, expected, positiveInt, resourcesWithDefault, storageSize } from "./primitives";

/** A runner label as Forgejo spells it: `name:docker://image:tag` or `name:host`. */
const runnerLabel = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*(:(host|docker:\/\/[^\s:]+:[^\s]+))?$/, {
    error: expected("must be a label like ubuntu-24.04:docker://node:20-bookworm (pinned tag) or name:host"),
  });

export const runnersSchema = z.strictObject({
  /** Deploy the runners at all. Defaults to true. */
  enabled: z.boolean().default(true),
  namespace: dnsLabel.default("forgejo-runners"),
  /** Forge the runners register with. Defaults to Codeberg. */
  instanceUrl: z.url({ protocol: /^https$/ }).default("https://codeberg.org"),
  /** Runner name prefix shown in the forge. */
  name: dnsLabel,
  labels: z.array(runnerLabel).min(1, { error: expected("must list at least one runner label") }),
  replicas: positiveInt.default(1),
  /** Jobs one runner runs at once. */
  capacity: positiveInt.default(1),
  resources: resourcesWithDefault("100m", "128Mi", "512Mi"),
  dind: z
    .strictObject({
      resources: resourcesWithDefault("500m", "1Gi", "4Gi"),
      /** Docker's image/layer cache volume per runner. */
      storageSize: storageSize.default("20Gi"),
      /** StorageClass of that volume; the cluster default when absent. */
      storageClass: dnsLabel.optional(),
    })
    .prefault({}),
  /**
   * What CI jobs may reach besides DNS. Private, link-local and CGNAT ranges (and the cluster's
   * own networks) are always excluded, so a job cannot probe internal services.
   */
  egress: z
    .strictObject({
      /** TCP ports open towards the internet. Defaults to 443 (forge, registries) and 80 (Debian and Ubuntu mirrors serve apt over HTTP). */
      ports: z
        .array(
          z
            .number({ error: expected("must be a TCP port number") })
            .int({ error: expected("must be a TCP port number") })
            .min(1, { error: expected("must be a TCP port from 1 to 65535") })
            .max(65535, { error: expected("must be a TCP port from 1 to 65535") }),
        )
        .min(1, { error: expected("must list at least one port (443 reaches the forge)") })
        .default([443, 80]),
      /** Private networks jobs may reach anyway on those ports, e.g. a LAN forge or registry mirror. Defaults to none. */
      allowCidrs: z.array(cidrv4).default([]),
    })
    .prefault({}),
});

export type RunnersConfig = z.infer<typeof runnersSchema>;
