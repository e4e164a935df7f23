import { kubePrometheusStackValues } from "../../../../stacks/observability/metrics/kube-prometheus-stack";
import { thanosValues } from "../../../../stacks/observability/metrics/thanos";
import { charts } from "../../../../versions";
import { chartDefaults, chartDirFor } from "../../../helpers/chart-values";
import { at, defaultConfig, timezone, victoriaLogsUrl } from "./fixtures";

/**
 * The monitoring namespace enforces Pod Security `restricted`. These checks read the pinned charts'
 * own security contexts (which the values leave alone) for every pod the charts render there, so a
 * chart bump that loosens one fails here instead of at admission. Prometheus and Alertmanager
 * containers get theirs from the operator, not from values, and are not covered.
 */

type SecurityContext = {
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  runAsNonRoot?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
};

const kps = chartDefaults(chartDirFor(charts.kubePrometheusStack));
const renderedValues = () =>
  kubePrometheusStackValues({ config: defaultConfig, namespace: "monitoring", nodeExporterNamespace: "node-exporter", timezone, victoriaLogsUrl });
const grafana = chartDefaults("grafana-12.11.1");
const thanos = chartDefaults(chartDirFor(charts.thanos));

function restrictedProblems(pod: SecurityContext | undefined, container: SecurityContext | undefined): string[] {
  const problems: string[] = [];
  if (container?.allowPrivilegeEscalation !== false) problems.push("allowPrivilegeEscalation is not false");
  if (container?.privileged === true) problems.push("privileged");
  if (!container?.capabilities?.drop?.includes("ALL")) problems.push("capabilities do not drop ALL");
  if ((container?.capabilities?.add ?? []).some((cap) => cap !== "NET_BIND_SERVICE")) problems.push("adds capabilities");
  if ((container?.runAsNonRoot ?? pod?.runAsNonRoot) !== true) problems.push("runAsNonRoot is not true");
  const seccomp = container?.seccompProfile?.type ?? pod?.seccompProfile?.type;
  if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") problems.push("no RuntimeDefault seccomp profile");
  return problems;
}

const sc = (chart: Record<string, unknown>, ...path: string[]) => at(chart, ...path) as SecurityContext | undefined;
const admissionPod = sc(kps, "prometheusOperator", "admissionWebhooks", "patch", "securityContext");

/** [pod, pod securityContext, container securityContext], as each chart renders them. */
const pods: [string, SecurityContext | undefined, SecurityContext | undefined][] = [
  ["prometheus-operator", sc(kps, "prometheusOperator", "securityContext"), sc(kps, "prometheusOperator", "containerSecurityContext")],
  ["admission create Job", admissionPod, sc(kps, "prometheusOperator", "admissionWebhooks", "createSecretJob", "securityContext")],
  ["admission patch Job", admissionPod, sc(kps, "prometheusOperator", "admissionWebhooks", "patchWebhookJob", "securityContext")],
  ["grafana", sc(grafana, "securityContext"), sc(grafana, "containerSecurityContext")],
  ["grafana sidecars", sc(grafana, "securityContext"), sc(grafana, "sidecar", "securityContext")],
  ["grafana dashboard download", sc(grafana, "securityContext"), sc(grafana, "downloadDashboards", "securityContext")],
  ...(["query", "storeGateway", "compact"] as const).map(
    (component): [string, SecurityContext | undefined, SecurityContext | undefined] => [
      `thanos ${component}`,
      sc(thanos, component, "podSecurityContext"),
      sc(thanos, component, "securityContext"),
    ],
  ),
];

describe("workloads in the restricted monitoring namespace", () => {
  test.each(pods)("%s meets restricted with the chart's security contexts", (_name, pod, container) => {
    expect(restrictedProblems(pod, container)).toEqual([]);
  });

  // Issue 9 item 6: the chart renders init-chown-data only with persistence.enabled and initChownData.enabled
  // (grafana 12.11.1 templates/_pod.tpl), so `initChownData.enabled: false` did nothing; persistence is what keeps it out.
  test("the check flags Grafana's root chown init container, which the chart renders only with persistence, left off", () => {
    expect(restrictedProblems(sc(grafana, "securityContext"), sc(grafana, "initChownData", "securityContext"))).not.toEqual([]);
    expect(at(grafana, "persistence", "enabled")).toBe(false);
    expect(at(renderedValues(), "grafana", "persistence")).toBeUndefined();
    expect(at(renderedValues(), "grafana")).not.toHaveProperty("initChownData");
  });

  test("the values override no security context, host namespace or volume setting", () => {
    const values = [renderedValues(), thanosValues({ config: defaultConfig, namespace: "monitoring" })];
    const risky = /securityContext|hostNetwork|hostPID|hostPath|privileged/i;
    const offending = (node: unknown, path: string): string[] =>
      typeof node === "object" && node !== null
        ? Object.entries(node).flatMap(([key, inner]) => [
            ...(risky.test(key) ? [`${path}.${key}`] : []),
            ...offending(inner, `${path}.${key}`),
          ])
        : [];
    expect(values.flatMap((v) => offending(v, ""))).toEqual([]);
  });
});
