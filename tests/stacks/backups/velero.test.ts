import { backupsSchema } from "../../../config/schema/backups";
import { etcdSnapshotCronJob, etcdSnapshotEnv, talosApiServiceAccount } from "../../../stacks/backups/etcd-snapshots";
import { storageLocationName, veleroCredentials } from "../../../stacks/backups/names";
import { backupStorageLocation, ttlOf, veleroCron, veleroSchedule } from "../../../stacks/backups/velero-objects";
import { awsCredentialsFile, veleroValues, veleroWorkloadRequests } from "../../../stacks/backups/velero-values";
import { charts, images } from "../../../versions";
import { chartDefaults, chartDirFor, helmMerge, undeclaredValueKeys } from "../../helpers/chart-values";
import { crdErrors } from "../../helpers/crd-schema";

/**
 * Velero's values against the pinned chart 12.1.0, its BackupStorageLocation and Schedules against
 * the Velero v1.18.1 CRDs, and the etcd snapshot pod against Pod Security `restricted`.
 */

const config = backupsSchema.parse({ etcd: { ageRecipient: "age1vn4rxt5lzjva2wxxw07j98lguu97ggtv5gv83zg8p98xg645t4hq70t5p3" } });
const defaults = chartDefaults(chartDirFor(charts.velero));
const values = veleroValues(config);
const rendered = helmMerge(defaults, values) as Record<string, any>;
const target = { endpoint: "https://s3.68cc.io", region: "us-east-1", bucket: "home-backups", prefix: "velero" };

describe("Velero values", () => {
  it("use only keys the pinned chart declares", () => {
    // initContainers' default is null (documented only in comments); it is a list of containers.
    // nodeAgent.podSecurityContext is a Kubernetes PodSecurityContext the chart passes through toYaml.
    expect(undeclaredValueKeys(values, defaults, ["initContainers", "nodeAgent.podSecurityContext"])).toEqual([]);
  });

  it("load the AWS plugin from the pinned image and run the node agent for file-system backups", () => {
    expect(rendered.initContainers).toEqual([
      expect.objectContaining({ image: `${images.veleroPluginForAws.repository}:${images.veleroPluginForAws.tag}`, volumeMounts: [{ mountPath: "/target", name: "plugins" }] }),
    ]);
    expect(images.veleroPluginForAws.tag).toMatch(/^v1\.14\./);
    expect(rendered.deployNodeAgent).toBe(true);
    expect(rendered.configuration.uploaderType).toBe("kopia");
    expect(rendered.configuration.defaultVolumesToFsBackup).toBe(true);
    // The chart's own BSL, VSL and schedules are off: ours are separate objects.
    expect(rendered.backupsEnabled).toBe(false);
    expect(rendered.snapshotsEnabled).toBe(false);
    expect(rendered.schedules).toEqual({});
  });

  it("name the credentials Secret and carry no key material", () => {
    expect(rendered.credentials).toMatchObject({ useSecret: true, existingSecret: veleroCredentials.name, secretContents: {} });
    expect(JSON.stringify(values)).not.toMatch(/aws_access_key_id|aws_secret_access_key/);
  });

  it("let Prometheus find Velero through a ServiceMonitor and a PodMonitor regardless of API discovery", () => {
    expect(rendered.metrics).toMatchObject({ enabled: true, serviceMonitor: { enabled: true, autodetect: false }, nodeAgentPodMonitor: { enabled: true, autodetect: false } });
  });

  it("report the server and one node agent per node", () => {
    expect(veleroWorkloadRequests(config)).toEqual([
      { stack: "backups", workload: "velero", replicas: 1, cpuMillis: 100, memoryMiB: 128 },
      { stack: "backups", workload: "velero-node-agent", replicas: "perNode", cpuMillis: 100, memoryMiB: 256 },
    ]);
  });

  it("write the credentials file the AWS plugin reads", () => {
    expect(awsCredentialsFile("AK", "SK")).toBe("[default]\naws_access_key_id=AK\naws_secret_access_key=SK\n");
  });
});

describe("BackupStorageLocation", () => {
  const bsl = backupStorageLocation("velero", target);
  it("is valid against Velero v1.18.1's CRD", () => {
    expect(crdErrors(bsl, "velero-v1.18.1/velero.io_backupstoragelocations.yaml")).toEqual([]);
  });
  it("is the default location, path-style on the configured endpoint, under the prefix", () => {
    expect(bsl.metadata.name).toBe(storageLocationName);
    expect(bsl.spec).toMatchObject({
      provider: "aws",
      default: true,
      objectStorage: { bucket: "home-backups", prefix: "velero" },
      config: { region: "us-east-1", s3ForcePathStyle: "true", s3Url: "https://s3.68cc.io" },
      credential: { name: veleroCredentials.name, key: veleroCredentials.key },
    });
  });
});

describe("Schedules", () => {
  const schedule = veleroSchedule(config.schedules[0], { namespace: "velero", timezone: "America/New_York", defaultNamespaces: ["monitoring", "logging"] });
  it("are valid against Velero v1.18.1's CRD", () => {
    expect(crdErrors(schedule, "velero-v1.18.1/velero.io_schedules.yaml")).toEqual([]);
  });
  it("default to 02:00 local time, kept 7 days, every stateful namespace, file-system backups", () => {
    expect(schedule.metadata.name).toBe("daily");
    expect(schedule.spec).toMatchObject({
      schedule: "CRON_TZ=America/New_York 0 2 * * *",
      useOwnerReferencesInBackup: false,
      template: { includedNamespaces: ["monitoring", "logging"], ttl: "168h0m0s", storageLocation: "default", defaultVolumesToFsBackup: true, snapshotVolumes: false },
    });
  });
  it("take the namespaces a schedule lists instead of the default", () => {
    const own = veleroSchedule({ name: "weekly", schedule: "0 4 * * 0", retention: "2w", namespaces: ["logging"] }, { namespace: "velero", timezone: "UTC", defaultNamespaces: ["monitoring"] });
    expect(own.spec).toMatchObject({ schedule: "CRON_TZ=UTC 0 4 * * 0", template: { includedNamespaces: ["logging"], ttl: "336h0m0s" } });
  });
  it("turn retention into Go durations", () => {
    expect([ttlOf("36h"), ttlOf("7d"), ttlOf("1w")]).toEqual(["36h0m0s", "168h0m0s", "168h0m0s"]);
    expect(veleroCron("30 1 * * *", "Europe/Berlin")).toBe("CRON_TZ=Europe/Berlin 30 1 * * *");
  });
});

type SecurityContext = Record<string, any>;

describe("etcd snapshot job", () => {
  const cronJob = etcdSnapshotCronJob(config.etcd, { namespace: "etcd-backup", timezone: "America/New_York", clusterName: "home", target: { ...target, prefix: "etcd" } });
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  const env = Object.fromEntries(etcdSnapshotEnv(config.etcd, { namespace: "etcd-backup", timezone: "UTC", clusterName: "home", target: { ...target, prefix: "etcd" } }).map((e) => [e.name, "value" in e ? e.value : e.valueFrom]));

  it("passes Pod Security restricted (the namespace's level)", () => {
    const podSc: SecurityContext = pod.securityContext;
    for (const container of pod.containers) {
      const sc: SecurityContext = container.securityContext;
      expect(sc.allowPrivilegeEscalation).toBe(false);
      expect(sc.capabilities.drop).toEqual(["ALL"]);
      expect(sc.runAsNonRoot ?? podSc.runAsNonRoot).toBe(true);
      expect(sc.seccompProfile?.type ?? podSc.seccompProfile.type).toBe("RuntimeDefault");
    }
    // restricted allows only these volume types.
    for (const volume of pod.volumes) expect(Object.keys(volume).filter((key) => key !== "name")).toEqual([expect.stringMatching(/^(emptyDir|secret|configMap|projected)$/)]);
  });

  it("runs on the configured schedule in the stack's time zone, never two at once", () => {
    expect(cronJob.spec).toMatchObject({ schedule: "0 */6 * * *", timeZone: "America/New_York", concurrencyPolicy: "Forbid" });
  });

  it("mounts the Secret Talos creates for the talos.dev ServiceAccount with role os:etcd:backup", () => {
    const account = talosApiServiceAccount("etcd-backup");
    expect(account).toEqual({ apiVersion: "talos.dev/v1alpha1", kind: "ServiceAccount", metadata: { name: "talos-backup", namespace: "etcd-backup" }, spec: { roles: ["os:etcd:backup"] } });
    expect(pod.volumes).toContainEqual({ name: "talos-secrets", secret: { secretName: account.metadata.name } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: "talos-secrets", mountPath: "/var/run/secrets/talos.dev", readOnly: true });
  });

  it("uploads encrypted, path-style, to its own prefix on the configured endpoint; keys only from the Secret", () => {
    expect(env).toMatchObject({
      CUSTOM_S3_ENDPOINT: "https://s3.68cc.io",
      BUCKET: "home-backups",
      S3_PREFIX: "etcd",
      AWS_REGION: "us-east-1",
      CLUSTER_NAME: "home",
      AGE_X25519_PUBLIC_KEY: config.etcd.ageRecipient,
      AWS_ACCESS_KEY_ID: { secretKeyRef: { name: "talos-backup-s3", key: "AWS_ACCESS_KEY_ID" } },
      AWS_SECRET_ACCESS_KEY: { secretKeyRef: { name: "talos-backup-s3", key: "AWS_SECRET_ACCESS_KEY" } },
    });
    // talos-backup v0.1.0-beta.3 pkg/config/service.go: UsePathStyle = (USE_PATH_STYLE == "false").
    expect(images.talosBackup.tag).toBe("v0.1.0-beta.3");
    expect(env.USE_PATH_STYLE).toBe("false");
    expect(env).not.toHaveProperty("DISABLE_ENCRYPTION");
  });
});
