import type { BackupsConfig } from "../../config/schema";
import { chartResources, workloadRequest, type WorkloadRequest } from "../../lib/capacity";
import { imageRef, images } from "../../versions";
import { veleroCredentials } from "./names";

/**
 * Values for the velero chart 12.1.0 (keys from its values.yaml). The chart runs the server and
 * the node agent; the BackupStorageLocation and the Schedules are our own objects (velero-objects.ts),
 * so the chart's are off (`backupsEnabled`, `schedules`). No secret is in here: the credentials
 * file is a Secret we create from SOPS and the chart only names it (`credentials.existingSecret`).
 */

/**
 * No runAsUser/runAsNonRoot: the images already run as a non-root user, but the Velero image names
 * it (`USER cnb:cnb`, paketo base), which runAsNonRoot cannot verify, and a made-up uid would not
 * own the image's home directory. The rest of restricted's container rules apply.
 */
const restrictedContainer = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
};

export function veleroValues(config: BackupsConfig): Record<string, unknown> {
  return {
    // The AWS plugin speaks S3 to MinIO; Velero copies it from this init container into /plugins.
    initContainers: [
      {
        name: "velero-plugin-for-aws",
        image: imageRef(images.veleroPluginForAws),
        imagePullPolicy: "IfNotPresent",
        volumeMounts: [{ mountPath: "/target", name: "plugins" }],
        securityContext: restrictedContainer,
      },
    ],
    podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
    containerSecurityContext: restrictedContainer,
    resources: chartResources(config.velero.resources),
    credentials: { useSecret: true, existingSecret: veleroCredentials.name },
    // Our BackupStorageLocation and Schedules are separate resources; no VolumeSnapshotLocation
    // either: local volumes cannot snapshot, the node agent copies their files instead.
    backupsEnabled: false,
    snapshotsEnabled: false,
    schedules: {},
    configuration: {
      uploaderType: "kopia",
      // Every pod volume of a backed-up namespace, without annotating each pod.
      defaultVolumesToFsBackup: true,
    },
    deployNodeAgent: true,
    nodeAgent: {
      resources: chartResources(config.velero.nodeAgentResources),
      // Root reads every pod's volume under /var/lib/kubelet/pods (hostPath): why the namespace is privileged.
      podSecurityContext: { runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } },
    },
    metrics: {
      enabled: true,
      // Prometheus finds Velero through the operator objects, not the chart's scrape annotations.
      podAnnotations: {},
      serviceMonitor: { enabled: true, autodetect: false },
      nodeAgentPodMonitor: { enabled: true, autodetect: false },
      prometheusRule: { enabled: false },
    },
    // The CRD upgrade hook runs `velero install --crds-only --apply` in the Velero image on every
    // upgrade (Helm itself installs crds/ only once); velero-egress admits it to the API server.
    upgradeCRDs: true,
    upgradeJobResources: chartResources(config.velero.resources),
    cleanUpCRDs: false,
  };
}

/** What Velero asks of the cluster: the server and one node agent per node. */
export function veleroWorkloadRequests(config: BackupsConfig): WorkloadRequest[] {
  return [
    workloadRequest("backups", "velero", 1, config.velero.resources),
    workloadRequest("backups", "velero-node-agent", "perNode", config.velero.nodeAgentResources),
  ];
}

/** The AWS plugin's credentials file (INI, profile `default`). Holds the keys: call it only inside a secret Output. */
export function awsCredentialsFile(accessKey: string, secretKey: string): string {
  return `[default]\naws_access_key_id=${accessKey}\naws_secret_access_key=${secretKey}\n`;
}
