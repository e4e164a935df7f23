import { S3Buckets } from "./components/s3-buckets";
import { TalosCluster } from "./components/talos-cluster";
import { loadPlatform } from "./config/load";
import { BackupsStack, talosApiAccessFor } from "./stacks/backups";
import { kubePrismPort } from "./components/talos-cluster/platform-defaults";
import { FoundationsStack } from "./stacks/foundations";
import { ObservabilityStack } from "./stacks/observability";
import { RunnersStack } from "./stacks/runners";
import { SecurityStack } from "./stacks/security";

/**
 * The program: config → Talos cluster on Proxmox → buckets → foundations → the platform stacks and backups.
 * Pulumi calls the exported async function and publishes what it returns as stack outputs.
 * Logical names here are roles, never values from config, so no config edit renames a resource.
 */
export = async function main() {
  const { config, secrets } = await loadPlatform();

  const cluster = new TalosCluster("cluster", {
    cluster: config.cluster,
    proxmox: config.proxmox,
    proxmoxApiToken: secrets.proxmox.apiToken,
    // The etcd snapshot job's namespace may hold os:etcd:backup (control-plane machine configs).
    talosApiAccess: talosApiAccessFor(config.backups),
    foundations: {
      cni: config.foundations.cni.enabled,
      hostpathBase: config.foundations.storage.enabled ? config.foundations.storage.basePath : undefined,
    },
  });

  const storage = new S3Buckets("object-storage", {
    s3: config.s3,
    accessKey: secrets.s3.accessKey,
    secretKey: secrets.s3.secretKey,
  });

  const k8s = { provider: cluster.kubernetesProvider };
  const { network } = config.cluster;
  const podAndServiceCidrs = [network.podCidr, network.serviceCidr];
  const nodePodAndServiceCidrs = [network.cidr, ...podAndServiceCidrs];

  // VMs → configs → bootstrap → API → Cilium → nodes Ready (talosctl health) → storage and Gateway.
  const foundations = new FoundationsStack(
    "foundations",
    {
      config: config.foundations,
      nodeCount: config.cluster.nodes.length,
      apiCidrs: [network.cidr, ...podAndServiceCidrs],
      kubePrismPort,
      healthCheck: (after) => cluster.healthCheck(after),
    },
    k8s,
  );
  // Every stack waits for the foundations: volumes bind, LoadBalancer Services get addresses, routes have listeners.
  const onFoundations = { ...k8s, dependsOn: [foundations] };
  const gateway = foundations.gateway;
  const grafana = {
    ...config.observability.grafana,
    hostname: gateway?.hostname ?? config.observability.grafana.hostname,
    ingressNamespace: gateway?.hostname ? gateway.proxyNamespace : config.observability.grafana.ingressNamespace,
  };

  const observability = new ObservabilityStack(
    "observability",
    {
      config: { ...config.observability, storageClass: config.observability.storageClass ?? foundations.storageClassName, grafana },
      timezone: config.timezone,
      nodeCidr: network.cidr,
      podAndServiceCidrs,
      thanosBucket: {
        endpoint: config.s3.endpoint,
        region: config.s3.region,
        bucket: storage.bucketNames.thanos,
        accessKey: secrets.s3.accessKey,
        secretKey: secrets.s3.secretKey,
      },
      discordWebhookUrl: secrets.alertmanager.discordWebhookUrl,
      grafanaAdmin: { user: secrets.grafana.adminUser, password: secrets.grafana.adminPassword },
      grafanaGateway:
        gateway?.hostname === undefined
          ? undefined
          : {
              name: gateway.name,
              namespace: gateway.namespace,
              hostname: gateway.hostname,
              sectionNames: gateway.https ? [gateway.listeners.http, gateway.listeners.https] : [gateway.listeners.http],
              https: gateway.https,
            },
    },
    onFoundations,
  );

  const security = new SecurityStack(
    "security",
    {
      config: config.security,
      // tcp_connect sees ClusterIPs before translation: services count as inside too.
      nodePodAndServiceCidrs,
      monitoringNamespace: observability.namespace,
      logsNamespace: observability.logsNamespace,
      // CI jobs run test binaries from /tmp and use sudo; their events are still in VictoriaLogs.
      ciNamespaces: config.runners.enabled ? [config.runners.namespace] : [],
    },
    // PrometheusRule and ServiceMonitor CRDs come with the observability stack's CRD release.
    { ...k8s, dependsOn: [foundations, observability] },
  );

  const runners = config.runners.enabled
    ? new RunnersStack(
        "runners",
        {
          config: config.runners,
          registrationToken: secrets.runners.registrationToken,
          nodePodAndServiceCidrs,
        },
        onFoundations,
      )
    : undefined;

  const backups =
    config.backups.enabled && secrets.backups
      ? new BackupsStack(
          "backups",
          {
            config: config.backups,
            timezone: config.timezone,
            clusterName: config.cluster.name,
            bucket: { endpoint: config.s3.endpoint, region: config.s3.region, name: config.s3.buckets.backups },
            accessKey: secrets.backups.accessKey,
            secretKey: secrets.backups.secretKey,
            // Prometheus and Alertmanager (PVCs) and VictoriaLogs (its 14 days live only on its volume).
            // Grafana keeps no state: its dashboards and datasources are provisioned.
            statefulNamespaces: [config.observability.namespace, config.observability.logsNamespace],
            nodeCidr: network.cidr,
            podAndServiceCidrs,
            monitoringNamespace: config.observability.namespace,
          },
          // The buckets exist before Velero validates its location; the monitoring CRDs before its ServiceMonitor.
          { ...k8s, dependsOn: [observability, storage] },
        )
      : undefined;

  return {
    kubeconfig: cluster.kubeconfig,
    talosconfig: cluster.talosconfig,
    clusterEndpoint: cluster.endpoint,
    nodes: cluster.nodeAddresses,
    buckets: storage.bucketNames,
    grafanaDatasources: observability.grafanaDatasources,
    grafanaUrl: observability.grafanaUrl,
    syslogEndpoint: observability.syslogEndpoint,
    tracingPolicies: security.tracingPolicyNames,
    runnerNamespace: runners?.namespace,
    backupSchedules: backups?.scheduleNames,
  };
};
