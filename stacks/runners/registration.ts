import type * as k8s from "@pulumi/kubernetes";
import type { RunnersConfig } from "../../config/schema";
import { imageRef, images } from "../../versions";
import { objectNames } from "./public";

/**
 * Registering the runner with the forge, done by a Job of ours instead of the chart's.
 *
 * The chart's Job reads the token from Helm values. Ours reads it from a Secret through
 * `secretKeyRef`, so the token exists in exactly one Kubernetes object and never in values, Helm's
 * release record or a pod spec. The Job mirrors the chart's two steps: `forgejo-runner register`
 * writes `.runner` (and the merge patch that carries it), then kubectl applies that patch to the
 * credentials Secret the chart mounts.
 *
 * Registration happens once. The registration token only matters until `.runner` exists; after
 * that the runner authenticates with the identity inside `.runner`. A re-run (the Job is replaced
 * when its spec changes) finds `.runner` in place and applies an empty patch, so registering again means
 * clearing that Secret first (docs/operating.md).
 */

/** Labels on the Job's pods; the API-server NetworkPolicy selects them. */
export const registrationPodLabels = {
  "app.kubernetes.io/name": objectNames.registrationJob,
  "app.kubernetes.io/component": "registration",
  "app.kubernetes.io/part-of": "home-platform",
} as const;

/** Key of the registration token inside its Secret. */
export const tokenKey = "token";

const unprivileged = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

const smallResources = { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } };

/** Where the register step leaves the merge patch for the store step (the shared `data` volume). */
export const patchFile = "/data/patch.json";

// No `set -x`: tracing would print the token into the Job's logs. The patch is built here, in the
// runner image that has a shell and base64, because the kubectl image may have neither (it is
// distroless); the store step then runs kubectl with a plain argv. It goes through a file, not
// the command line, so `.runner` never shows in a process list. Already registered: the patch is
// the empty merge patch `{}`, so the store step succeeds without changing anything.
const registerScript = [
  "set -eu",
  `if [ -s /current/.runner ]; then echo "runner already registered; keeping its identity"; printf '{}' > ${patchFile}; exit 0; fi`,
  "cd /data",
  'forgejo-runner register --no-interactive --instance "$FORGEJO_INSTANCE" --name "$RUNNER_NAME" --labels "$RUNNER_LABELS" --token "$REGISTRATION_TOKEN"',
  'test -s /data/.runner || { echo "registration wrote no .runner file" >&2; exit 1; }',
  `printf '{"data":{".runner":"%s"}}' "$(base64 -w0 /data/.runner)" > ${patchFile}`,
].join("\n");

/**
 * The store step's argv: no shell. `$(POD_NAMESPACE)` is expanded by the kubelet from the
 * container's env, not by a shell.
 */
const storeCommand = [
  "kubectl",
  "--namespace",
  "$(POD_NAMESPACE)",
  "patch",
  "secret",
  objectNames.credentialsSecret,
  "--type",
  "merge",
  "--patch-file",
  patchFile,
];

/** The only API access registration needs: read and patch the one Secret it fills. */
export function registrationRoleRules(): k8s.types.input.rbac.v1.PolicyRule[] {
  return [
    {
      apiGroups: [""],
      resources: ["secrets"],
      // `create` cannot be limited by name, so the Secret exists beforehand and is only patched.
      resourceNames: [objectNames.credentialsSecret],
      verbs: ["get", "patch"],
    },
  ];
}

/**
 * The Job's spec. Only the store step gets an API token, through a projected volume in that one
 * container: the register step talks to the forge and has no business with Kubernetes.
 */
export function registrationJobSpec(config: RunnersConfig): k8s.types.input.batch.v1.JobSpec {
  return {
    backoffLimit: 1,
    template: {
      metadata: { labels: { ...registrationPodLabels } },
      spec: {
        restartPolicy: "Never",
        serviceAccountName: objectNames.registrationServiceAccount,
        automountServiceAccountToken: false,
        securityContext: { seccompProfile: { type: "RuntimeDefault" }, fsGroup: 1000 },
        initContainers: [
          {
            name: "register",
            image: imageRef(images.forgejoRunner),
            command: ["sh", "-c", registerScript],
            env: [
              { name: "FORGEJO_INSTANCE", value: config.instanceUrl },
              { name: "RUNNER_NAME", value: config.name },
              { name: "RUNNER_LABELS", value: config.labels.join(",") },
              { name: "HOME", value: "/tmp" },
              {
                name: "REGISTRATION_TOKEN",
                valueFrom: { secretKeyRef: { name: objectNames.registrationSecret, key: tokenKey } },
              },
            ],
            securityContext: unprivileged,
            resources: smallResources,
            volumeMounts: [
              { name: "data", mountPath: "/data" },
              { name: "tmp", mountPath: "/tmp" },
              { name: "current", mountPath: "/current", readOnly: true },
            ],
          },
        ],
        containers: [
          {
            name: "store",
            image: imageRef(images.kubectl),
            command: storeCommand,
            env: [
              { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
              { name: "HOME", value: "/tmp" },
            ],
            securityContext: unprivileged,
            resources: smallResources,
            volumeMounts: [
              { name: "data", mountPath: "/data", readOnly: true },
              { name: "tmp", mountPath: "/tmp" },
              { name: "api-access", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true },
            ],
          },
        ],
        volumes: [
          { name: "data", emptyDir: { sizeLimit: "1Mi" } },
          { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
          // Optional: before the first registration the Secret has no `.runner` key yet.
          { name: "current", secret: { secretName: objectNames.credentialsSecret, optional: true } },
          {
            // What automounting would add, but for the store container only.
            name: "api-access",
            projected: {
              sources: [
                { serviceAccountToken: { path: "token", expirationSeconds: 600 } },
                { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
                { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } },
              ],
            },
          },
        ],
      },
    },
  };
}
