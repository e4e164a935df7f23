import type * as pulumi from "@pulumi/pulumi";
import { prometheusRule, type RuleGroup } from "../../building-blocks/prometheus-rule";
import { prometheusStorageRules, thanosRules } from "./thanos";
import { victoriaLogsRules } from "./victoria-logs";

/**
 * The observability stack's own alerts: VictoriaLogs health, Thanos, and the Prometheus storage
 * path that kube-prometheus-stack's default rules leave out. Each alert has a runbook section in
 * runbooks.md and promtool unit tests (tests/stacks/observability/alerts).
 */

/** Every group, in the order they are deployed; the promtool tests read the same list. */
export function observabilityAlertGroups(): RuleGroup[] {
  return [victoriaLogsRules, thanosRules, prometheusStorageRules];
}

/** Kubernetes name of the PrometheusRule. */
export const observabilityRuleName = "observability-alerts";

/**
 * Creates the PrometheusRule in `namespace` as a child of `parent`. The CRD comes with
 * kube-prometheus-stack, so the caller creates this after that release.
 */
export function deployObservabilityAlerts(name: string, args: { namespace: pulumi.Input<string> }, parent: pulumi.Resource): void {
  prometheusRule(
    `${name}-prometheus-rule`,
    { name: observabilityRuleName, namespace: args.namespace, groups: observabilityAlertGroups() },
    { parent },
  );
}
