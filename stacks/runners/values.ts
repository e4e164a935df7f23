import type { RunnersConfig } from "../../config/schema";
import { images, type ImagePin } from "../../versions";
import { objectNames, releaseName } from "./public";

/**
 * Helm values for the wrenix `forgejo-runner` chart, built from config alone. Nothing secret goes
 * in here: the chart's own registration path would put the token into values (and from there into
 * a hook Secret and Helm's release record), so registration is ours (see registration.ts) and the
 * chart only mounts the result through `runner.config.existingSecret`.
 */

/** Where Docker keeps images, layers and build cache inside the dind sidecar. */
export const dockerDataPath = "/var/lib/docker";
const dockerVolume = "docker-data";

/** The chart's image shape: registry host and repository kept apart. */
export interface ChartImage {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
}

/** `registry.k8s.io/kubectl` → `{ registry: "registry.k8s.io", repository: "kubectl" }`. */
export function chartImage(pin: ImagePin): ChartImage {
  const slash = pin.repository.indexOf("/");
  const registry = slash > 0 ? pin.repository.slice(0, slash) : "";
  // Docker's rule: the first segment is a registry only if it looks like a host.
  if (!/[.:]/.test(registry) && registry !== "localhost") {
    throw new Error(`image ${pin.repository} must name its registry (e.g. docker.io/library/docker)`);
  }
  return { registry, repository: pin.repository.slice(slash + 1), tag: pin.tag };
}

/** The names half of Forgejo labels (`docker:docker://node:20` → `docker`), what `runs-on` matches. */
export function labelNames(labels: readonly string[]): string[] {
  return labels.map((label) => label.split(":", 1)[0]);
}

/** Values for the chart, for one runner Deployment of `config.replicas` pods. */
export function runnerValues(config: RunnersConfig): Record<string, unknown> {
  return {
    fullnameOverride: releaseName,
    replicaCount: config.replicas,
    image: chartImage(images.forgejoRunner),
    resources: config.resources,
    // The chart applies this to both containers. dind cannot run without it; the runner container
    // gets it too because the chart has one key for both (the namespace is privileged anyway).
    securityContext: { privileged: true },
    // Our own account (runners-stack.ts), created with automountServiceAccountToken: false; the
    // chart reads `automount` only when it creates the account itself.
    serviceAccount: { create: false, name: objectNames.runnerServiceAccount },
    dind: { image: chartImage(images.dind), resources: config.dind.resources },
    // No `kubectl.image`: only the chart's registration Job uses it, and that Job is never
    // rendered with `existingSecret` set (templates/jobs.yaml), so the Bitnami default is inert.
    runner: {
      config: {
        create: false,
        existingSecret: objectNames.credentialsSecret,
        file: {
          runner: {
            capacity: config.capacity,
            labels: [...config.labels],
            // The chart's defaults ship two sample variables into every job; null removes them.
            envs: { A_TEST_ENV_NAME_1: null, A_TEST_ENV_NAME_2: null },
          },
          // Job containers get neither privilege nor host volumes; docker_host "-" keeps the
          // Docker socket out of them.
          container: { privileged: false, valid_volumes: [], docker_host: "-" },
        },
      },
    },
    // The chart adds `volumeMounts` to the dind container only, which is where Docker's data lives.
    volumes: [dockerDataVolume(config)],
    volumeMounts: [{ name: dockerVolume, mountPath: dockerDataPath }],
  };
}

/**
 * One volume per pod, created and deleted with it (a generic ephemeral volume): image and layer
 * cache survive container restarts but never outlive the runner, so there is nothing to back up
 * and nothing left behind by a job. Docker's overlay2 driver cannot run on the container's own
 * overlay root, which is another reason the data needs a real volume.
 */
function dockerDataVolume(config: RunnersConfig): Record<string, unknown> {
  return {
    name: dockerVolume,
    ephemeral: {
      volumeClaimTemplate: {
        metadata: { labels: { "app.kubernetes.io/name": releaseName, "app.kubernetes.io/component": "docker-data" } },
        spec: {
          accessModes: ["ReadWriteOnce"],
          ...(config.dind.storageClass ? { storageClassName: config.dind.storageClass } : {}),
          resources: { requests: { storage: config.dind.storageSize } },
        },
      },
    },
  };
}
