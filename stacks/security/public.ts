/**
 * The security stack's public surface: the names and labels other stacks may rely on (a policy
 * that admits Tetragon's operator, a dashboard that links to ours). Everything else under
 * stacks/security/ is internal; other stacks import these from "../security".
 */

/** Helm release name of Tetragon (agent DaemonSet and operator). */
export const tetragonRelease = "tetragon";

/** Selector labels of the chart's operator Deployment (values.yaml `tetragonOperator.affinity`). */
export const operatorPodLabels = { "app.kubernetes.io/name": "tetragon-operator" } as const;

/**
 * The chart's metrics ports (`tetragon.prometheus.port`, `tetragonOperator.prometheus.port`).
 * The agent runs on the host network, so its port is on the nodes' addresses.
 */
export const metricsPorts = { agent: 2112, operator: 2113 } as const;

/** The ConfigMap (in the monitoring namespace) that holds the Tetragon dashboard. */
export const dashboardConfigMapName = "tetragon-security-dashboard";
