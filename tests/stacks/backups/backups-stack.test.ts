import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { backupsSchema, type BackupsConfig } from "../../../config/schema/backups";
import { evaluatePolicies } from "../../../policy/evaluate";
import { BackupsStack } from "../../../stacks/backups";
import { charts } from "../../../versions";
import { findResource, isSecretAt, resourcesOfType, unwrapSecrets, visibleStrings, withMocks, type CapturedResource } from "../../helpers";

/**
 * The backups stack under the mock engine: what it registers, that the MinIO keys exist only as
 * secrets, the namespaces' Pod Security levels, and that egress leaves only for the S3 endpoint.
 */

const recipient = "age1vn4rxt5lzjva2wxxw07j98lguu97ggtv5gv83zg8p98xg645t4hq70t5p3";
const accessKey = "BACKUPSACCESSKEY0001";
const secretKey = "backupsSecretKeyThatMustNeverShowUp00000";

const plain = (resource: CapturedResource) => JSON.parse(JSON.stringify(unwrapSecrets(resource.inputs))) as Record<string, any>;

async function deploy(config: BackupsConfig): Promise<CapturedResource[]> {
  return withMocks(() => {
    const upstream = new k8s.core.v1.ConfigMap("upstream", { metadata: { name: "upstream" } });
    new BackupsStack(
      "backups",
      {
        config,
        timezone: "America/New_York",
        clusterName: "home",
        bucket: { endpoint: "https://s3.68cc.io", region: "us-east-1", name: "home-backups" },
        accessKey: pulumi.secret(accessKey),
        secretKey: pulumi.secret(secretKey),
        statefulNamespaces: ["monitoring", "logging"],
        nodeCidr: "192.168.35.0/24",
        podAndServiceCidrs: ["10.244.0.0/16", "10.96.0.0/12"],
        monitoringNamespace: "monitoring",
      },
      { dependsOn: [upstream] },
    );
  });
}

const config = backupsSchema.parse({ etcd: { ageRecipient: recipient } });
let resources: CapturedResource[];
beforeAll(async () => {
  resources = await deploy(config);
});

describe("BackupsStack", () => {
  it("keeps the MinIO keys in secret inputs only", () => {
    const velero = findResource(resources, "kubernetes:core/v1:Secret", "backups-velero-credentials");
    expect(isSecretAt(velero.inputs, ["stringData", "cloud"])).toBe(true);
    expect(plain(velero).stringData.cloud).toBe(`[default]\naws_access_key_id=${accessKey}\naws_secret_access_key=${secretKey}\n`);
    const etcd = findResource(resources, "kubernetes:core/v1:Secret", "backups-etcd-credentials");
    expect(isSecretAt(etcd.inputs, ["stringData", "AWS_ACCESS_KEY_ID"])).toBe(true);
    expect(isSecretAt(etcd.inputs, ["stringData", "AWS_SECRET_ACCESS_KEY"])).toBe(true);
    for (const resource of resources) {
      const shown = visibleStrings(resource.inputs).join("\n");
      expect(shown).not.toContain(accessKey);
      expect(shown).not.toContain(secretKey);
    }
  });

  it("installs the pinned Velero chart after the upstream stack and its credentials", () => {
    const release = findResource(resources, "kubernetes:helm.sh/v3:Release", "backups-velero");
    expect(plain(release)).toMatchObject({ chart: charts.velero.chart, version: charts.velero.version, namespace: "velero", values: { credentials: { existingSecret: "velero-minio" } } });
    expect(release.dependsOn).toContain(findResource(resources, "kubernetes:core/v1:ConfigMap", "upstream").urn);
    expect(release.dependsOn).toContain(findResource(resources, "kubernetes:core/v1:Secret", "backups-velero-credentials").urn);
    // The CRD-upgrade hook and the server reach the API and the bucket from their first start.
    expect(release.dependsOn).toContain(findResource(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "backups-velero-velero-egress").urn);
  });

  it("creates the location and the schedules after the release (its CRDs)", () => {
    const release = findResource(resources, "kubernetes:helm.sh/v3:Release", "backups-velero").urn;
    const bsl = findResource(resources, "kubernetes:velero.io/v1:BackupStorageLocation", "backups-storage-location");
    const schedule = findResource(resources, "kubernetes:velero.io/v1:Schedule", "backups-schedule-daily");
    for (const object of [bsl, schedule]) expect(object.dependsOn).toContain(release);
    expect(plain(schedule)).toMatchObject({ metadata: { namespace: "velero" }, spec: { schedule: "CRON_TZ=America/New_York 0 2 * * *", template: { includedNamespaces: ["monitoring", "logging"], ttl: "168h0m0s" } } });
    expect(plain(bsl).spec.objectStorage).toEqual({ bucket: "home-backups", prefix: "velero" });
  });

  it("runs Velero privileged (node agent hostPath) and the snapshot job restricted, both allowed by the policy pack", () => {
    const level = (name: string) => plain(findResource(resources, "kubernetes:core/v1:Namespace", name)).metadata.labels["pod-security.kubernetes.io/enforce"];
    expect(level("backups-velero-namespace")).toBe("privileged");
    expect(level("backups-etcd-namespace")).toBe("restricted");
    const violations = evaluatePolicies(resources).filter((violation) => violation.enforcement === "mandatory");
    expect(violations).toEqual([]);
  });

  it("lets traffic leave the namespaces only for the S3 endpoint's port and the cluster's own APIs", () => {
    const policy = (name: string) => plain(findResource(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", name)).spec;
    const veleroEgress = policy("backups-velero-velero-egress");
    expect(veleroEgress.egress).toEqual([
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.244.0.0/16", "10.96.0.0/12"] } }], ports: [{ port: 443, protocol: "TCP" }] },
      { to: [{ ipBlock: { cidr: "192.168.35.0/24" } }, { ipBlock: { cidr: "10.244.0.0/16" } }, { ipBlock: { cidr: "10.96.0.0/12" } }], ports: [{ port: 443, protocol: "TCP" }, { port: 6443, protocol: "TCP" }] },
    ]);
    const etcd = policy("backups-etcd-etcd-snapshot");
    expect(etcd.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "talos-backup" } });
    expect(etcd.egress[0]).toEqual({ to: [{ ipBlock: { cidr: "192.168.35.0/24" } }], ports: [{ port: 50000, protocol: "TCP" }] });
  });

  it("narrows S3 egress to backups.s3Cidrs when set", async () => {
    const narrowed = await deploy(backupsSchema.parse({ s3Cidrs: ["10.88.140.20/32"], etcd: { ageRecipient: recipient } }));
    const spec = plain(findResource(narrowed, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "backups-velero-velero-egress")).spec;
    expect(spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: "10.88.140.20/32" } }], ports: [{ port: 443, protocol: "TCP" }] });
  });

  it("creates the talos.dev ServiceAccount and the CronJob that mounts what Talos makes of it", () => {
    const account = plain(findResource(resources, "kubernetes:talos.dev/v1alpha1:ServiceAccount", "backups-talos-service-account"));
    expect(account).toMatchObject({ metadata: { name: "talos-backup", namespace: "etcd-backup" }, spec: { roles: ["os:etcd:backup"] } });
    // Talos refuses a Secret it does not control: we never create one of that name.
    expect(resourcesOfType(resources, "kubernetes:core/v1:Secret").map((secret) => plain(secret).metadata.name)).not.toContain("talos-backup");
    const cronJob = findResource(resources, "kubernetes:batch/v1:CronJob", "backups-etcd-snapshot");
    expect(plain(cronJob).spec).toMatchObject({ schedule: "0 */6 * * *", timeZone: "America/New_York" });
  });

  it("ships the Backup freshness dashboard to Grafana's sidecar and the alerts as a PrometheusRule", () => {
    const dashboard = plain(findResource(resources, "kubernetes:core/v1:ConfigMap", "backups-dashboard"));
    expect(dashboard.metadata).toMatchObject({ namespace: "monitoring", labels: { grafana_dashboard: "1" } });
    const json = JSON.parse(dashboard.data["backup-freshness.json"]);
    expect(json.title).toBe("Backup freshness");
    expect(json.panels.map((panel: { title: string }) => panel.title)).toEqual(
      expect.arrayContaining(["Last successful backup, per schedule", "Last successful etcd snapshot", "Backup storage location"]),
    );
    const rule = plain(findResource(resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "backups-alerts"));
    expect(rule.spec.groups.flatMap((group: { rules: { alert: string }[] }) => group.rules.map((r) => r.alert))).toContain("EtcdSnapshotNotRecent");
  });

  it("reports its requests for the capacity table", async () => {
    const stack = resources.find((resource) => resource.type === "home-platform:backups:BackupsStack");
    expect(unwrapSecrets(stack?.outputs?.workloadRequests)).toEqual([
      { stack: "backups", workload: "velero", replicas: 1, cpuMillis: 100, memoryMiB: 128 },
      { stack: "backups", workload: "velero-node-agent", replicas: "perNode", cpuMillis: 100, memoryMiB: 256 },
      { stack: "backups", workload: "etcd-snapshot", replicas: 1, cpuMillis: 50, memoryMiB: 64 },
    ]);
  });

  it("leaves out the etcd snapshots when they are off", async () => {
    const without = await deploy(backupsSchema.parse({ etcd: { enabled: false } }));
    expect(resourcesOfType(without, "kubernetes:batch/v1:CronJob")).toEqual([]);
    expect(resourcesOfType(without, "kubernetes:talos.dev/v1alpha1:ServiceAccount")).toEqual([]);
    expect(resourcesOfType(without, "kubernetes:core/v1:Namespace")).toHaveLength(1);
  });
});
