import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isPrometheusDuration } from "../../lib/quantity";

/**
 * Alerts as typed data. A stack writes its rule groups once; the same objects become the
 * PrometheusRule it deploys and the plain rules file its tests feed to `promtool`, so what is
 * checked is exactly what runs.
 *
 *   const groups: RuleGroup[] = [{ name: "victoria-logs", rules: [{ alert: "VictoriaLogsDown", ... }] }];
 *   prometheusRule(`${name}-rules`, { name: "observability-alerts", namespace, groups }, { parent });
 *   rulesFile(groups)  // -> { groups: [...] } for `promtool check rules` / `promtool test rules`
 */

/** How urgently a human must act. Alertmanager routes on it. */
export type Severity = "critical" | "warning" | "info";

/** One alerting rule. Recording rules are out of scope: every rule here pages someone. */
export interface AlertRule {
  /** Alert name in Prometheus' UpperCamelCase, unique across every group of one PrometheusRule. */
  readonly alert: string;
  /** PromQL; keep label templates in the annotations to `$labels.<name>` so tests can render them. */
  readonly expr: string;
  /** How long `expr` must hold before the alert fires ("5m", "1h"). Omit to fire at once. */
  readonly for?: string;
  readonly severity: Severity;
  /** Area the alert belongs to ("logging", "metrics", "security"); a label Alertmanager can route on. */
  readonly category: string;
  /** Extra labels. `severity` and `category` are set from the fields above and cannot be overridden here. */
  readonly labels?: Readonly<Record<string, string>>;
  /** One line, shown as the notification title. */
  readonly summary: string;
  /** What is wrong and its impact; may use `{{ $labels.<name> }}`. */
  readonly description: string;
  /** Where the fix is written down: a URL or a path in this repository. Becomes `runbook_url`. */
  readonly runbook: string;
}

export interface RuleGroup {
  /** Group name, unique within the PrometheusRule. */
  readonly name: string;
  /** Evaluation interval; the Prometheus global interval when omitted. */
  readonly interval?: string;
  readonly rules: readonly AlertRule[];
}

/** A rule as Prometheus and the PrometheusRule CRD spell it. */
export interface SerialisedRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Record<string, string>;
  readonly annotations: { summary: string; description: string; runbook_url: string };
}

export interface SerialisedGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: SerialisedRule[];
}

const alertNamePattern = /^[A-Z][A-Za-z0-9]*$/;
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const reservedLabels = new Set(["severity", "category", "alertname"]);

/**
 * Checks the groups and returns them in the shape Prometheus reads. Throws on the mistakes that
 * Prometheus would only report at runtime (or silently accept): duplicate names, malformed
 * durations, labels that would shadow severity/category.
 */
export function serialiseGroups(groups: readonly RuleGroup[]): SerialisedGroup[] {
  const groupNames = new Set<string>();
  const alertNames = new Set<string>();
  return groups.map((group) => {
    if (groupNames.has(group.name)) throw new Error(`rule group "${group.name}" is defined twice`);
    groupNames.add(group.name);
    if (group.interval !== undefined) assertDuration(group.interval, `rule group "${group.name}" interval`);
    if (group.rules.length === 0) throw new Error(`rule group "${group.name}" has no rules`);
    return {
      name: group.name,
      ...(group.interval === undefined ? {} : { interval: group.interval }),
      rules: group.rules.map((rule) => {
        if (alertNames.has(rule.alert)) throw new Error(`alert ${rule.alert} is defined twice`);
        alertNames.add(rule.alert);
        return serialiseRule(rule);
      }),
    };
  });
}

function serialiseRule(rule: AlertRule): SerialisedRule {
  const where = `alert ${rule.alert}`;
  if (!alertNamePattern.test(rule.alert)) throw new Error(`${where}: name must be UpperCamelCase letters and digits`);
  if (rule.expr.trim() === "") throw new Error(`${where}: expr is empty`);
  if (rule.for !== undefined) assertDuration(rule.for, `${where} "for"`);
  if (!labelNamePattern.test(rule.category)) throw new Error(`${where}: category must be a label-safe word`);
  for (const [field, text] of [["summary", rule.summary], ["description", rule.description], ["runbook", rule.runbook]] as const) {
    if (text.trim() === "") throw new Error(`${where}: ${field} is empty`);
  }
  for (const name of Object.keys(rule.labels ?? {})) {
    if (reservedLabels.has(name)) throw new Error(`${where}: label "${name}" is set by the builder, not in labels`);
    if (!labelNamePattern.test(name)) throw new Error(`${where}: label "${name}" is not a valid Prometheus label name`);
  }
  return {
    alert: rule.alert,
    expr: rule.expr.trim(),
    ...(rule.for === undefined ? {} : { for: rule.for }),
    labels: { ...rule.labels, severity: rule.severity, category: rule.category },
    annotations: { summary: rule.summary, description: rule.description, runbook_url: rule.runbook },
  };
}

function assertDuration(value: string, where: string): void {
  if (!isPrometheusDuration(value)) throw new Error(`${where}: "${value}" is not a Prometheus duration like 5m or 1h30m`);
}

/** A plain Prometheus rules file (`{groups: [...]}`), as `promtool check rules` reads it. */
export function rulesFile(groups: readonly RuleGroup[]): { groups: SerialisedGroup[] } {
  return { groups: serialiseGroups(groups) };
}

export interface PrometheusRuleArgs {
  /** Kubernetes object name. */
  readonly name: string;
  readonly namespace: pulumi.Input<string>;
  readonly groups: readonly RuleGroup[];
  /**
   * Labels on the object, e.g. `release: <kube-prometheus-stack release>` when the Prometheus
   * only selects labelled rules (`ruleSelectorNilUsesHelmValues: true`). Defaults to none.
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The `monitoring.coreos.com/v1` PrometheusRule for `groups`. The groups are checked (and any
 * mistake thrown) before the resource is registered. The CRD comes with kube-prometheus-stack, so
 * the caller orders this after that release (dependsOn or a parent that depends on it).
 */
export function prometheusRule(
  resourceName: string,
  args: PrometheusRuleArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    resourceName,
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name: args.name, namespace: args.namespace, labels: { ...args.labels } },
      spec: { groups: serialiseGroups(args.groups) },
    },
    opts,
  );
}
