import { z } from "zod";
import { dnsLabel, expected, positiveInt, resourcesWithDefault, storageSize } from "./primitives";

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
    })
    .prefault({}),
});

export type RunnersConfig = z.infer<typeof runnersSchema>;
