/**
 * The runners stack's public surface: the names other stacks may rely on (a backup of the runner
 * identity, a policy or alert that names the runners). Everything else under stacks/runners/ is
 * internal; other stacks import these from "../runners".
 */

/** Names of the objects this stack creates next to the chart's, fixed so policies can refer to them. */
export const objectNames = {
  /** Holds the token the forge issued for registering (from SOPS). */
  registrationSecret: "forgejo-runner-registration",
  /** Holds `.runner`, the identity registration produced; the chart mounts it. */
  credentialsSecret: "forgejo-runner-credentials",
  /** The runner pods' account: no API token is mounted, they never talk to Kubernetes. */
  runnerServiceAccount: "forgejo-runner",
  /** The registration Job's account, allowed to write the credentials Secret and nothing else. */
  registrationServiceAccount: "forgejo-runner-registration",
  registrationJob: "forgejo-runner-registration",
} as const;

/** Helm release name; with `fullnameOverride` also the prefix of every object the chart creates. */
export const releaseName = "forgejo-runner";
