import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformNamespace } from "../../../components/platform-namespace";
import type { ObservabilityConfig } from "../../../config/schema";
import { type WorkloadRequest, workloadRequest } from "../../../lib/capacity";
import { pinnedRelease } from "../../../lib/helm";
import { networkPolicySpec, purposeAnnotation } from "../../../lib/network-policy";
import { charts } from "../../../versions";
import { collectorNamespaceName, collectorRelease, victoriaLogsRelease, victoriaLogsUrlFor } from "./names";
import { loggingNetworkPolicies } from "./network-policies";
import { type SyslogEndpoint, syslogEndpoint, syslogRoutes, syslogServiceSpec } from "./syslog";
import { collectorValues, victoriaLogsValues } from "./values";

export type { SyslogEndpoint } from "./syslog";

/**
 * The logs half of the observability stack: VictoriaLogs (single node) receiving pod logs from a
 * vlagent DaemonSet and syslog from network devices. ObservabilityStack calls `deployLogging`; the
 * resources are its children and use its kubernetes provider.
 *
 * Layout: VictoriaLogs runs in `logsNamespace` under `restricted`; the collector, which needs
 * hostPath access to the nodes' logs, runs alone in a `privileged` namespace next to it.
 */
export interface LoggingArgs {
  /** The observability section of stack config (`logsNamespace`, `storageClass`, `victoriaLogs`). */
  config: ObservabilityConfig;
  /** IANA zone RFC3164 syslog timestamps are read in (they carry none). */
  timezone: string;
  /** Node network: devices sending syslog live there, and so does kube-apiserver. */
  nodeCidr: string;
  /** Where Prometheus and Grafana run; they may reach VictoriaLogs and the collector. */
  monitoringNamespace: pulumi.Input<string>;
  /**
   * What installs the ServiceMonitor/PodMonitor CRDs (the kube-prometheus-stack release). Both
   * charts render a monitor, which Helm cannot install before the CRD exists, so both releases
   * wait for it. Leave it out only on a cluster that already has the CRDs.
   */
  monitoringCrds?: pulumi.Resource;
}

export interface Logging {
  /** The VictoriaLogs namespace. */
  namespace: pulumi.Output<string>;
  /** In-cluster VictoriaLogs URL for Grafana's datasource (no path). */
  victoriaLogsUrl: pulumi.Output<string>;
  syslogEndpoint: pulumi.Output<SyslogEndpoint>;
  workloadRequests: WorkloadRequest[];
}

const collectorPrivilegedReason =
  "victoria-logs-collector reads every container's log files from the nodes' /var/log and /var/lib through hostPath volumes, which only the privileged level admits";

export function deployLogging(name: string, args: LoggingArgs, parent: pulumi.Resource): Logging {
  const vl = args.config.victoriaLogs;
  const logsNamespaceName = args.config.logsNamespace;
  const collectorNamespace = collectorNamespaceName(logsNamespaceName, vl.collectorNamespace);
  const crds = args.monitoringCrds ? [args.monitoringCrds] : [];

  const logsNamespace = new PlatformNamespace(
    `${name}-namespace`,
    { name: logsNamespaceName, podSecurity: "restricted" },
    { parent },
  );
  const collectorNs = new PlatformNamespace(
    `${name}-collector-namespace`,
    { name: collectorNamespace, podSecurity: "privileged", privilegedReason: collectorPrivilegedReason },
    { parent },
  );

  const victoriaLogs = pinnedRelease(
    `${name}-victoria-logs`,
    {
      releaseName: victoriaLogsRelease,
      namespace: logsNamespace.name,
      pin: charts.victoriaLogsSingle,
      values: victoriaLogsValues({ config: vl, storageClass: args.config.storageClass, timezone: args.timezone }),
    },
    { parent, dependsOn: [logsNamespace, ...crds] },
  );

  pinnedRelease(
    `${name}-collector`,
    {
      releaseName: collectorRelease,
      namespace: collectorNs.name,
      pin: charts.victoriaLogsCollector,
      values: collectorValues({ config: vl, victoriaLogsUrl: victoriaLogsUrlFor(logsNamespaceName) }),
    },
    // After VictoriaLogs is ready, so the DaemonSet does not start with a backlog of failed sends.
    { parent, dependsOn: [collectorNs, victoriaLogs, ...crds] },
  );

  const service = syslogServiceSpec(vl.syslog);
  const syslogService = new k8s.core.v1.Service(
    `${name}-syslog`,
    { metadata: { ...service.metadata, namespace: logsNamespace.name }, spec: service.spec },
    { parent, dependsOn: [logsNamespace] },
  );

  if (vl.syslog.type === "gateway") {
    for (const route of syslogRoutes(vl.syslog)) {
      new k8s.apiextensions.CustomResource(
        `${name}-${route.metadata.name}-route`,
        { ...route, metadata: { ...route.metadata, namespace: logsNamespace.name } },
        { parent, dependsOn: [syslogService] },
      );
    }
  }

  const namespaces = { logs: logsNamespace, collector: collectorNs };
  const policiesFor = (monitoringNamespace: string) =>
    loggingNetworkPolicies({
      logsNamespace: logsNamespaceName,
      collectorNamespace,
      monitoringNamespace,
      nodeCidr: args.nodeCidr,
      syslog: vl.syslog,
    });
  // Which policies exist (names, namespaces, purposes) does not depend on the monitoring
  // namespace, only their peers do: the resources come from the configured name, each spec
  // from the `monitoringNamespace` input once it resolves.
  const monitoringNamespace = pulumi.output(args.monitoringNamespace);
  policiesFor(args.config.namespace).forEach(({ in: where, definition }, index) => {
    const namespace = namespaces[where];
    new k8s.networking.v1.NetworkPolicy(
      `${name}-${where}-${definition.name}`,
      {
        metadata: { name: definition.name, namespace: namespace.name, annotations: { [purposeAnnotation]: definition.purpose } },
        spec: monitoringNamespace.apply((monitoring) => networkPolicySpec(policiesFor(monitoring)[index].definition)),
      },
      { parent, dependsOn: [namespace] },
    );
  });

  return {
    namespace: logsNamespace.name,
    victoriaLogsUrl: logsNamespace.name.apply(victoriaLogsUrlFor),
    syslogEndpoint: pulumi.output(syslogEndpoint(vl.syslog)),
    workloadRequests: [
      workloadRequest("observability", "victoria-logs", 1, vl.resources),
      workloadRequest("observability", "victoria-logs-collector", "perNode", vl.collectorResources),
    ],
  };
}
