import type { SecurityConfig } from "../../config/schema";
import type { AlertRule, RuleGroup } from "../building-blocks/prometheus-rule";
import { policyNames } from "./tracing-policies";

/**
 * The security alerts (PrometheusRule `security-alerts`). Each reads a Tetragon metric whose name
 * and labels are in Tetragon's metrics reference (docs/content/en/docs/reference/metrics.md);
 * names that changed in Tetragon 1.2 (`tetragon_missed_events_total`,
 * `tetragon_ringbuf_perf_event_lost_total`) are used in their current form.
 */

export const prometheusRuleName = "security-alerts";
const category = "security";
const window = "5m";
const runbook = (anchor: string) => `stacks/security/README.md#${anchor}`;

/**
 * How far back a series counts as "seen before". A series missing this long is treated as new.
 * Longer than any scrape gap we expect (a Prometheus or agent restart), short enough that a
 * pod-scoped series is long gone.
 */
const seenBefore = "1h";

/**
 * Events counted by a counter over the window, as an exact whole number. Each series falls in the
 * first of these cases that applies:
 *
 * 1. Never seen in the hour before the window: counts with its whole value. Tetragon creates a
 *    series (per pod, binary, policy) only at its first event, so the counter starts at 1 and
 *    growth alone would read 0: a one-off escalation would never alert.
 * 2. Present at the window's start and not lower now: its growth since then (`x - x offset 5m`;
 *    the start value is the last sample at or before the start). Not `increase()`: that looks only
 *    at samples inside the window, left-open since Prometheus 3, and extrapolates their growth to
 *    the whole window, so one event read as 1.25 and four as five, which reaches a threshold of five.
 * 3. Lower than its last value before the window: the counter was reset (the agent restarted,
 *    often with a scrape gap around it), so its value is the events since the restart.
 * 4. Otherwise it came back after a scrape gap with no reset: its growth over the samples after
 *    the gap. Events inside the gap are not counted; they still reach the logs.
 *
 * "Seen before" is `last_over_time(…[1h] offset 5m)`, not `… offset 5m`: after a scrape gap the
 * series is missing at the window's start too, and the plain offset would count its whole value
 * again and fire for every series with no new event. This needs no `up` series or job label, so
 * it works for Tetragon and kube-apiserver alike.
 */
export function eventsInWindow(selector: string): string {
  const before = `last_over_time(${selector}[${seenBefore}] offset ${window})`;
  return [
    `(${selector} unless ${before})`,
    `(${selector} - (${selector} offset ${window}) >= 0)`,
    `(${selector} < ${before})`,
    `(${selector} - min_over_time(${selector}[${window}]))`,
  ].join(" or ");
}

/** `metric{matchers}` with an optional `namespace!~"a|b"` exclusion. */
function selector(metric: string, matchers: readonly string[], excludedNamespaces: readonly string[] = []): string {
  const all = [...matchers];
  if (excludedNamespaces.length > 0) all.push(`namespace!~"${excludedNamespaces.join("|")}"`);
  return `${metric}{${all.join(", ")}}`;
}

const perProcess = "namespace, pod, binary";
const where = "{{ $labels.binary }} in {{ $labels.namespace }}/{{ $labels.pod }}";

/** Binaries run from world-writable, usually memory-backed places: where dropped payloads live. */
export const scratchDirectories = ["/tmp", "/var/tmp", "/dev/shm"];

/**
 * Tetragon health counters whose increase means events were lost before reaching the export:
 * the kernel could not hand them over (full ring buffer), the agent's queue overflowed, or a
 * gRPC listener fell behind.
 */
export const droppedEventCounters = [
  "tetragon_bpf_missed_events_total",
  "tetragon_observer_ringbuf_events_lost_total",
  "tetragon_observer_ringbuf_queue_events_lost_total",
  "tetragon_notify_overflowed_events_total",
];

/**
 * Per-second rates of the dropped-event counters, each labelled `counter="<metric>"`. `rate()`
 * drops the metric name, and two of these counters carry no labels of their own, so without the
 * extra label their rates on one node would collide ("vector cannot contain metrics with the
 * same labelset") and the rule would fail to evaluate.
 */
export function droppedEventRates(range = window): string {
  return droppedEventCounters.map((metric) => `label_replace(rate(${metric}[${range}]), "counter", "${metric}", "", "")`).join(" or ");
}

/**
 * kube-apiserver's authentication counter (k8s.io/apiserver, endpoints/filters/metrics.go),
 * scraped by kube-prometheus-stack. Declared as `authentication_attempts`; a Prometheus that
 * negotiates OpenMetrics sees it as `authentication_attempts_total`, so both spellings match.
 */
export const authAttemptsSelector = '{__name__=~"authentication_attempts(_total)?", result="failure"}';

/**
 * @param ciNamespaces CI namespaces known to the program (the runners' namespace), skipped like
 *   the configured `alerts.ciNamespaces` so the two cannot drift apart.
 */
export function securityAlertGroups(config: SecurityConfig, ciNamespaces: readonly string[] = []): RuleGroup[] {
  const alerts = { ...config.alerts, ciNamespaces: [...new Set([...config.alerts.ciNamespaces, ...ciNamespaces])] };
  const scratch = scratchDirectories.join("|");
  const rules: AlertRule[] = [
    {
      alert: "PrivilegeEscalationDetected",
      expr: `sum by (${perProcess}) (${eventsInWindow(
        selector("tetragon_policy_events_total", [`policy="${policyNames.privilegeEscalation}"`], alerts.ciNamespaces),
      )}) > 0`,
      severity: "critical",
      category,
      summary: "A container process raised its privileges",
      description: `${where} switched to root (setuid/setgid family or root credentials without CAP_SETUID), created a user namespace without privileges, or used a dangerous capability ({{ $value }} events in ${window}).`,
      runbook: runbook("privilegeescalationdetected"),
    },
    {
      alert: "SensitiveFileAccessed",
      expr: `sum by (${perProcess}) (${eventsInWindow(
        selector("tetragon_policy_events_total", [`policy="${policyNames.sensitiveFiles}"`]),
      )}) > 0`,
      severity: "warning",
      category,
      summary: "A container read a credential file or wrote an account file",
      description: `${where} accessed /etc/shadow, /etc/sudoers, SSH keys or Kubernetes credentials, or wrote /etc/passwd or /etc/group ({{ $value }} events in ${window}).`,
      runbook: runbook("sensitivefileaccessed"),
    },
    {
      alert: "AbnormalProcessExecution",
      expr: `sum by (${perProcess}) (${eventsInWindow(
        selector("tetragon_events_total", ['type="PROCESS_EXEC"', `binary=~"(${scratch})/.+"`], alerts.ciNamespaces),
      )}) > 0`,
      severity: "warning",
      category,
      summary: "A binary was executed from a scratch directory",
      description: `${where} was started from ${scratchDirectories.join(", ")} ({{ $value }} times in ${window}); exploits drop their payloads there.`,
      runbook: runbook("abnormalprocessexecution"),
    },
    {
      alert: "SuspiciousNetworkActivity",
      expr: `sum by (${perProcess}) (${eventsInWindow(
        selector("tetragon_policy_events_total", [`policy="${policyNames.networkEgress}"`]),
      )}) >= ${alerts.suspiciousConnectionsPer5m}`,
      severity: "warning",
      category,
      summary: "A container connects outside the trusted networks or to sensitive ports",
      description: `${where} made {{ $value }} connections outside the cluster and trusted networks, or to a sensitive port, in ${window} (alerting from ${alerts.suspiciousConnectionsPer5m}).`,
      runbook: runbook("suspiciousnetworkactivity"),
    },
    {
      alert: "RepeatedAuthenticationFailures",
      expr: `sum by (job) (${eventsInWindow(authAttemptsSelector)}) >= ${alerts.authFailuresPer5m}`,
      severity: "warning",
      category,
      summary: "Many failed authentications against the Kubernetes API",
      description: `{{ $value }} requests with invalid credentials reached {{ $labels.job }} in ${window} (alerting from ${alerts.authFailuresPer5m}): a leaked or guessed token is being tried.`,
      runbook: runbook("repeatedauthenticationfailures"),
    },
    {
      alert: "TetragonPolicyLoadFailed",
      expr: 'max by (node, state) (tetragon_tracingpolicy_loaded{state=~"error|load_error"}) > 0',
      for: "5m",
      severity: "warning",
      category,
      summary: "Tetragon could not load a tracing policy",
      description: "{{ $value }} tracing policies are in state {{ $labels.state }} on {{ $labels.node }}: what they watch is not observed there.",
      runbook: runbook("tetragonpolicyloadfailed"),
    },
    {
      alert: "TetragonEventsDropped",
      expr: `sum by (node) (${droppedEventRates()}) > 0`,
      for: "10m",
      severity: "warning",
      category,
      summary: "Tetragon is losing events",
      description: "Tetragon on {{ $labels.node }} drops {{ $value }} events per second: security events may be missing from alerts and logs.",
      runbook: runbook("tetragoneventsdropped"),
    },
  ];
  return [{ name: "security", rules }];
}
