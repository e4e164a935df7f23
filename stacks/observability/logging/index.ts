import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformNamespace } from "../../../components/platform-namespace";
import { collectorNamespaceName } from "../../../config/namespaces";
import type { ObservabilityConfig } from "../../../config/schema";
import { type WorkloadRequest, withVolumes, workloadRequest } from "../../../lib/capacity";
import { pinnedRelease } from "../../building-blocks/helm-release";
import { createNetworkPolicies } from "../../building-blocks/network-policy";
import { charts } from "../../../versions";
import { victoriaLogsUrlFor } from "../public";
import { collectorRelease, victoriaLogsRelease } from "./names";
import { loggingNetworkPolicies } from "./network-policies";
import { type SyslogEndpoint, syslogEndpoint, syslogRoutes, syslogServiceSpec } from "./syslog";
import { collectorValues, victoriaLogsValues } from "./values";
import { privilegedReasons } from "../../../lib/pod-security";

export type { SyslogEndpoint } from "./syslog";

/**
 * The logs half of the observability stack: VictoriaLogs (single node) receiving pod logs from a
 * vlagent DaemonSet and syslog from network devices. ObservabilityStack calls `deployLogging`; the
 * resources are its children and use its kubernetes provider.
 *
 * Layout: VictoriaLogs runs in `logsNamespace` under `restricted`; the collector, which needs
 * hostPath access to the nodes' logs, runs alone in a `privileged` namespace next to it.
 */
/** The part of `home-platform:observability` the logging half reads. */
export type LoggingConfig = Pick<ObservabilityConfig, "logsNamespace" | "storageClass" | "victoriaLogs">;

export interface LoggingArgs {
  config: LoggingConfig;
  /** IANA zone RFC3164 syslog timestamps are read in (they carry none). */
  timezone: string;
  /** Node network: devices sending syslog live there, and so does kube-apiserver. */
  nodeCidr: string;
  /**
   * Where Prometheus and Grafana run; they may reach VictoriaLogs and the collector. A plain name:
   * the policies select that namespace by its name label, which needs no ordering against it.
   */
  monitoringNamespace: string;
  /**
   * What installs the ServiceMonitor/PodMonitor CRDs (the prometheus-operator-crds release). Both
   * charts render a monitor, which Helm cannot install before the CRD exists, so both releases
   * wait for it. Leave it out only on a cluster that already has the CRDs.
   */
  monitoringCrds?: pulumi.Resource;
}

export interface Logging {
  /** The VictoriaLogs namespace. */
  namespace: pulumi.Output<string>;
  syslogEndpoint: pulumi.Output<SyslogEndpoint>;
  workloadRequests: WorkloadRequest[];
}


export function deployLogging(name: string, args: LoggingArgs, parent: pulumi.Resource): Logging {
  const vl = args.config.victoriaLogs;
  const logsNamespaceName = args.config.logsNamespace;
  const collectorNamespace = collectorNamespaceName(logsNamespaceName, vl.collectorNamespace);
  const crds = args.monitoringCrds ? [args.monitoringCrds] : [];

  const logsNamespace = new PlatformNamespace(
    `${name}-namespace`,
    // VictoriaLogs' data volume is a PVC in this namespace.
    { name: logsNamespaceName, podSecurity: "restricted", holdsState: true },
    { parent },
  );
  const collectorNs = new PlatformNamespace(
    `${name}-collector-namespace`,
    { name: collectorNamespace, podSecurity: "privileged", privilegedReason: privilegedReasons.logCollector },
    { parent },
  );

  const policies = loggingNetworkPolicies({
    logsNamespace: logsNamespaceName,
    collectorNamespace,
    monitoringNamespace: args.monitoringNamespace,
    nodeCidr: args.nodeCidr,
    syslog: vl.syslog,
  });
  const policiesIn = (where: "logs" | "collector") => policies.filter((p) => p.in === where).map((p) => p.definition);
  // Logical names are `${name}-logs-<policy>` and `${name}-collector-<policy>`: changing these
  // prefixes would replace every policy (briefly dropping its allow) on the next update.
  const logsPolicies = createNetworkPolicies(`${name}-logs`, logsNamespace.name, policiesIn("logs"), {
    parent,
    dependsOn: [logsNamespace],
  });
  const collectorPolicies = createNetworkPolicies(`${name}-collector`, collectorNs.name, policiesIn("collector"), {
    parent,
    dependsOn: [collectorNs],
  });

  // Both releases wait for their namespace's allows: under default-deny the pods would otherwise
  // start unable to receive (VictoriaLogs) or ship (collector) and fail their first probes.
  const victoriaLogs = pinnedRelease(
    `${name}-victoria-logs`,
    {
      releaseName: victoriaLogsRelease,
      namespace: logsNamespace.name,
      pin: charts.victoriaLogsSingle,
      values: victoriaLogsValues({ config: vl, storageClass: args.config.storageClass, timezone: args.timezone }),
    },
    { parent, dependsOn: [logsNamespace, ...logsPolicies, ...crds] },
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
    { parent, dependsOn: [collectorNs, ...collectorPolicies, victoriaLogs, ...crds] },
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

  return {
    namespace: logsNamespace.name,
    syslogEndpoint: pulumi.output(syslogEndpoint(vl.syslog)),
    workloadRequests: [
      withVolumes(workloadRequest("observability", "victoria-logs", 1, vl.resources), vl.volumeSize),
      workloadRequest("observability", "victoria-logs-collector", "perNode", vl.collectorResources),
    ],
  };
}
