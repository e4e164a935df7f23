import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformNamespace } from "../../components/platform-namespace";
import type { SecurityConfig } from "../../config/schema";
import { prometheusRule } from "../building-blocks/prometheus-rule";
import type { WorkloadRequest } from "../../lib/capacity";
import { pinnedRelease } from "../building-blocks/helm-release";
import { networkPolicySpec, purposeAnnotation } from "../building-blocks/network-policy";
import { privilegedReasons } from "../../lib/pod-security";
import { charts } from "../../versions";
import { dashboardSidecarLabel } from "../observability";
import { prometheusRuleName, securityAlertGroups } from "./alerts";
import { eventQuery, securityDashboard } from "./dashboard";
import { operatorNetworkPolicy, operatorPolicy } from "./network";
import { tetragonValues, tetragonWorkloadRequests } from "./tetragon-values";
import { tracingPolicies } from "./tracing-policies";
import { dashboardConfigMapName, tetragonRelease } from "./public";

/** The stack's public surface: what other stacks may use (see public.ts). */
export * from "./public";

export interface SecurityStackArgs {
  /** `home-platform:security`, validated. */
  readonly config: SecurityConfig;
  /**
   * Every cluster range: the node network and the pod and service CIDRs. Connections there are
   * not "egress" for the network-egress policy, and the operator reaches the API server there.
   */
  readonly nodePodAndServiceCidrs: readonly string[];
  /** Namespace of Prometheus and Grafana: the dashboard ConfigMap goes there, Prometheus scrapes from there. */
  readonly monitoringNamespace: pulumi.Input<string>;
  /** Namespace of the log collector and VictoriaLogs, named in the dashboard for whoever debugs it. */
  readonly logsNamespace: pulumi.Input<string>;
  /** Namespaces of this platform that run CI jobs (the runners'): skipped by the CI-noisy alerts, with `alerts.ciNamespaces`. */
  readonly ciNamespaces?: readonly string[];
}

/** Why the namespace is privileged; recorded on it for reviewers, the same text the policy pack's allowlist gives. */
export const privilegedReason = privilegedReasons.tetragon;

/**
 * Runtime security: Tetragon (agent DaemonSet + operator) tuned for Talos, the TracingPolicies
 * it enforces, the alerts on its metrics and a Grafana dashboard over its events in VictoriaLogs.
 *
 * Pass the cluster's Kubernetes provider as `opts.provider`, and `opts.dependsOn` the stack that
 * installs the Prometheus operator CRDs: the Tetragon release (its ServiceMonitors) and the
 * PrometheusRule wait for it explicitly.
 */
export class SecurityStack extends pulumi.ComponentResource {
  /** The Tetragon namespace. */
  readonly namespace: pulumi.Output<string>;
  /** Names of the TracingPolicies (cluster-scoped objects). */
  readonly tracingPolicyNames: string[];
  /** LogsQL that selects Tetragon's events in VictoriaLogs, with their JSON fields unpacked. */
  readonly eventQuery: string;
  /** Requests of every workload this stack runs, for the capacity report. */
  readonly workloadRequests: WorkloadRequest[];

  constructor(name: string, args: SecurityStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("home-platform:security:SecurityStack", name, {}, opts);
    const { config } = args;
    const afterUpstream = (...own: pulumi.Resource[]) => withUpstream(opts?.dependsOn, ...own);

    const namespace = new PlatformNamespace(
      `${name}-namespace`,
      { name: config.namespace, podSecurity: "privileged", privilegedReason },
      { parent: this },
    );
    this.namespace = namespace.name;

    const release = pinnedRelease(
      `${name}-tetragon`,
      { releaseName: tetragonRelease, namespace: namespace.name, pin: charts.tetragon, values: tetragonValues({ config }) },
      { parent: this, dependsOn: afterUpstream(namespace) },
    );

    new k8s.networking.v1.NetworkPolicy(
      `${name}-${operatorPolicy.name}`,
      {
        metadata: { name: operatorPolicy.name, namespace: namespace.name, annotations: { [purposeAnnotation]: operatorPolicy.purpose } },
        // Prometheus' namespace is an Output of the observability stack; only the spec waits for it.
        spec: pulumi
          .output(args.monitoringNamespace)
          .apply((monitoringNamespace) => networkPolicySpec(operatorNetworkPolicy({ nodePodAndServiceCidrs: args.nodePodAndServiceCidrs, monitoringNamespace }))),
      },
      { parent: this, dependsOn: [namespace] },
    );

    const policies = tracingPolicies({
      nodePodAndServiceCidrs: args.nodePodAndServiceCidrs,
      trustedCidrs: config.trustedCidrs,
      sensitivePorts: config.sensitivePorts,
      enforce: config.tetragon.enforce,
    });
    for (const policy of policies) {
      // The operator installs the TracingPolicy CRD (chart `crds.installMethod: operator`), and
      // creates or updates it at every start, so it follows the chart's version without Helm.
      // Policies wait for the release, which waits for the operator to be ready.
      new k8s.apiextensions.CustomResource(`${name}-${policy.metadata.name}`, { ...policy }, { parent: this, dependsOn: [release] });
    }
    this.tracingPolicyNames = policies.map((policy) => policy.metadata.name);

    prometheusRule(
      `${name}-alerts`,
      { name: prometheusRuleName, namespace: namespace.name, groups: securityAlertGroups(config, args.ciNamespaces) },
      { parent: this, dependsOn: afterUpstream(namespace) },
    );

    this.eventQuery = eventQuery(config.namespace);
    new k8s.core.v1.ConfigMap(
      `${name}-dashboard`,
      {
        metadata: { name: dashboardConfigMapName, namespace: args.monitoringNamespace, labels: { [dashboardSidecarLabel.key]: dashboardSidecarLabel.value } },
        data: {
          "tetragon-security.json": pulumi
            .output(args.logsNamespace)
            .apply((logsNamespace) => JSON.stringify(securityDashboard({ tetragonNamespace: config.namespace, logsNamespace }), null, 2)),
        },
      },
      { parent: this },
    );

    this.workloadRequests = tetragonWorkloadRequests(config);
    this.registerOutputs({
      namespace: this.namespace,
      tracingPolicyNames: this.tracingPolicyNames,
      eventQuery: this.eventQuery,
      workloadRequests: this.workloadRequests,
    });
  }
}

/**
 * The component's own `dependsOn` plus `own`, for children that need what the upstream stack
 * installs (the Prometheus operator CRDs). Pulumi flattens nested arrays and Outputs in
 * `dependsOn`, so the caller's value is passed through whatever its shape.
 */
function withUpstream(upstream: pulumi.ComponentResourceOptions["dependsOn"], ...own: pulumi.Resource[]): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
  if (upstream === undefined) return own;
  return [upstream as pulumi.Input<pulumi.Resource>, ...own];
}
