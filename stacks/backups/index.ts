import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformNamespace } from "../../components/platform-namespace";
import type { BackupsConfig } from "../../config/schema";
import { prometheusRule } from "../building-blocks/prometheus-rule";
import type { WorkloadRequest } from "../../lib/capacity";
import { pinnedRelease } from "../building-blocks/helm-release";
import { createNetworkPolicies } from "../building-blocks/network-policy";
import { privilegedReasons } from "../../lib/pod-security";
import { charts } from "../../versions";
import { dashboardSidecarLabel, s3Port } from "../observability";
import { backupAlertGroups } from "./alerts";
import { backupDashboard } from "./dashboard";
import { etcdSnapshotCronJob, etcdWorkloadRequests, talosApiServiceAccount } from "./etcd-snapshots";
import { dashboardConfigMap, etcdCredentials, prometheusRuleName, veleroCredentials, veleroRelease } from "./names";
import { etcdNetworkPolicies, veleroNetworkPolicies, type BackupPolicyInputs } from "./network-policies";
import { backupStorageLocation, veleroSchedule } from "./velero-objects";
import { awsCredentialsFile, veleroValues, veleroWorkloadRequests } from "./velero-values";

/** The stack's public surface: what other stacks and the cluster may use (see public.ts). */
export * from "./public";

export interface BackupsStackArgs {
  /** `home-platform:backups`, validated and enabled. */
  readonly config: BackupsConfig;
  /** IANA zone the schedules are read in (`home-platform:timezone`). */
  readonly timezone: string;
  /** Talos cluster name: the snapshots are named after it. */
  readonly clusterName: string;
  /** S3 endpoint and region from `s3`, and the backups bucket's name. */
  readonly bucket: { readonly endpoint: string; readonly region: string; readonly name: string };
  /** The backup workloads' own MinIO user (SOPS `backups`), secret Outputs. */
  readonly accessKey: pulumi.Input<string>;
  readonly secretKey: pulumi.Input<string>;
  /** Namespaces with state, backed up by schedules that list none (Prometheus, Alertmanager, VictoriaLogs). */
  readonly statefulNamespaces: readonly string[];
  /** Node network (API servers, apid). */
  readonly nodeCidr: string;
  /** Pod and service ranges. */
  readonly podAndServiceCidrs: readonly string[];
  /** Namespace of Prometheus and Grafana: the dashboard goes there, Prometheus scrapes from there. */
  readonly monitoringNamespace: string;
}

/**
 * Backups: Velero (server and node agent, file-system backups with kopia) writing the stateful
 * namespaces to the backups bucket on Schedules from config, etcd snapshots through Talos' API
 * (talos-backup CronJob), their alerts and the "Backup freshness" dashboard.
 *
 * Pass the cluster's Kubernetes provider as `opts.provider`, and `opts.dependsOn` the stack that
 * installs the Prometheus operator CRDs (the chart's ServiceMonitor/PodMonitor, our PrometheusRule).
 */
export class BackupsStack extends pulumi.ComponentResource {
  /** Velero's namespace. */
  readonly namespace: pulumi.Output<string>;
  /** The etcd snapshot namespace, when etcd snapshots are on. */
  readonly etcdNamespace: pulumi.Output<string> | undefined;
  /** Velero Schedule names. */
  readonly scheduleNames: string[];
  /** Requests of every workload this stack runs, for the capacity report. */
  readonly workloadRequests: WorkloadRequest[];

  constructor(name: string, args: BackupsStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("home-platform:backups:BackupsStack", name, {}, opts);
    const { config } = args;
    const upstream = opts?.dependsOn as pulumi.Input<pulumi.Resource> | undefined;
    const after = (...own: pulumi.Resource[]) => (upstream === undefined ? own : [upstream, ...own]);
    const policyInputs: BackupPolicyInputs = {
      nodeCidr: args.nodeCidr,
      podAndServiceCidrs: args.podAndServiceCidrs,
      s3Cidrs: config.s3Cidrs,
      s3Port: s3Port(args.bucket.endpoint),
      monitoringNamespace: args.monitoringNamespace,
    };

    const namespace = new PlatformNamespace(
      `${name}-velero-namespace`,
      {
        name: config.namespace,
        podSecurity: "privileged",
        privilegedReason: privilegedReasons.veleroNodeAgent,
      },
      { parent: this },
    );
    this.namespace = namespace.name;
    const inNamespace = { parent: this, dependsOn: [namespace] };
    // The release's CRD-upgrade hook and the server need the API and the bucket from their first
    // start, so the allows exist before the release.
    const policies = createNetworkPolicies(`${name}-velero`, namespace.name, veleroNetworkPolicies(policyInputs), inNamespace);

    // The keys live only in this Secret, built inside the secret Outputs; the chart only names it.
    const credentials = new k8s.core.v1.Secret(
      `${name}-velero-credentials`,
      {
        metadata: { name: veleroCredentials.name, namespace: namespace.name },
        type: "Opaque",
        stringData: {
          [veleroCredentials.key]: pulumi.secret(pulumi.all([args.accessKey, args.secretKey]).apply(([accessKey, secretKey]) => awsCredentialsFile(accessKey, secretKey))),
        },
      },
      inNamespace,
    );

    const release = pinnedRelease(
      `${name}-velero`,
      { releaseName: veleroRelease, namespace: namespace.name, pin: charts.velero, values: veleroValues(config) },
      { parent: this, dependsOn: after(namespace, credentials, ...policies) },
    );

    // The CRDs come with the release (crds/ on install, the upgrade hook after): objects wait for it.
    const target = { endpoint: args.bucket.endpoint, region: args.bucket.region, bucket: args.bucket.name };
    const bsl = backupStorageLocation(config.namespace, { ...target, prefix: config.prefix });
    new k8s.apiextensions.CustomResource(`${name}-storage-location`, { ...bsl, metadata: { ...bsl.metadata, namespace: namespace.name } }, { parent: this, dependsOn: [release] });
    const schedules = config.schedules.map((schedule) =>
      veleroSchedule(schedule, { namespace: config.namespace, timezone: args.timezone, defaultNamespaces: args.statefulNamespaces }),
    );
    for (const schedule of schedules) {
      new k8s.apiextensions.CustomResource(
        `${name}-schedule-${schedule.metadata.name}`,
        { ...schedule, metadata: { ...schedule.metadata, namespace: namespace.name } },
        { parent: this, dependsOn: [release] },
      );
    }
    this.scheduleNames = schedules.map((schedule) => schedule.metadata.name);

    let etcdNamespaceName: string | undefined;
    if (config.etcd.enabled) {
      etcdNamespaceName = config.etcd.namespace;
      const etcdNamespace = new PlatformNamespace(`${name}-etcd-namespace`, { name: config.etcd.namespace, podSecurity: "restricted" }, { parent: this });
      this.etcdNamespace = etcdNamespace.name;
      const inEtcd = { parent: this, dependsOn: [etcdNamespace] };
      createNetworkPolicies(`${name}-etcd`, etcdNamespace.name, etcdNetworkPolicies(policyInputs), inEtcd);
      const etcdSecret = new k8s.core.v1.Secret(
        `${name}-etcd-credentials`,
        {
          metadata: { name: etcdCredentials.name, namespace: etcdNamespace.name },
          type: "Opaque",
          stringData: { [etcdCredentials.accessKey]: pulumi.secret(args.accessKey), [etcdCredentials.secretKey]: pulumi.secret(args.secretKey) },
        },
        inEtcd,
      );
      // Talos' own CRD (installed by Talos once kubernetesTalosAPIAccess is on); Talos answers with the Secret.
      const serviceAccount = new k8s.apiextensions.CustomResource(`${name}-talos-service-account`, talosApiServiceAccount(config.etcd.namespace), inEtcd);
      const cronJob = etcdSnapshotCronJob(config.etcd, {
        namespace: config.etcd.namespace,
        timezone: args.timezone,
        clusterName: args.clusterName,
        target: { ...target, prefix: config.etcd.prefix },
      });
      new k8s.batch.v1.CronJob(`${name}-etcd-snapshot`, { metadata: cronJob.metadata, spec: cronJob.spec }, { parent: this, dependsOn: [etcdNamespace, etcdSecret, serviceAccount] });
    }

    prometheusRule(
      `${name}-alerts`,
      { name: prometheusRuleName, namespace: namespace.name, groups: backupAlertGroups({ etcdNamespace: etcdNamespaceName }) },
      { parent: this, dependsOn: after(namespace) },
    );
    new k8s.core.v1.ConfigMap(
      `${name}-dashboard`,
      {
        metadata: { name: dashboardConfigMap, namespace: args.monitoringNamespace, labels: { [dashboardSidecarLabel.key]: dashboardSidecarLabel.value } },
        data: { "backup-freshness.json": JSON.stringify(backupDashboard({ etcdNamespace: etcdNamespaceName }), null, 2) },
      },
      { parent: this, dependsOn: after() },
    );

    this.workloadRequests = [...veleroWorkloadRequests(config), ...(config.etcd.enabled ? etcdWorkloadRequests(config.etcd) : [])];
    this.registerOutputs({
      namespace: this.namespace,
      etcdNamespace: this.etcdNamespace,
      scheduleNames: this.scheduleNames,
      workloadRequests: this.workloadRequests,
    });
  }
}
