import type { SecurityConfig } from "../../../config/schema/security";
import { rulesFile, type AlertRule } from "../../../stacks/building-blocks/prometheus-rule";
import { securityAlertGroups } from "../../../stacks/security/alerts";
import { policyNames } from "../../../stacks/security/tracing-policies";
import { promtoolCheckRules, promtoolTestRules, type AlertTestCase, type ExpectedAlert, type InputSeries } from "../../helpers/promtool";
import { renderTemplate, securityConfig } from "./fixtures";

/**
 * Every alert is run through promtool against synthetic series: one scenario where it must fire
 * (with the exact labels and rendered annotations) and one where it must stay silent. Tetragon
 * creates a series at its first event, so "a series that appears with value 1" is the scenario
 * most alerts have to catch.
 */

const config = securityConfig({ alerts: { ciNamespaces: ["ci"] } });

function rulesOf(cfg: SecurityConfig): Map<string, AlertRule> {
  return new Map(securityAlertGroups(cfg).flatMap((group) => group.rules.map((rule) => [rule.alert, rule] as const)));
}

function firing(cfg: SecurityConfig, alert: string, labels: Record<string, string>, value: number): ExpectedAlert {
  const rule = rulesOf(cfg).get(alert);
  if (!rule) throw new Error(`no alert ${alert}`);
  return {
    // The issue asks for severity plus category=security on every alert (Alertmanager routes on them).
    exp_labels: { ...labels, severity: rule.severity, category: "security" },
    exp_annotations: {
      summary: rule.summary,
      description: renderTemplate(rule.description, labels, value),
      runbook_url: rule.runbook,
    },
  };
}

/** Runs one promtool unit test for `alert`; fails with promtool's own output. */
function expectPromtool(
  cfg: SecurityConfig,
  alert: string,
  series: InputSeries[],
  evalTime: string,
  expected: ExpectedAlert[],
  ciNamespaces: string[] = [],
  evaluationInterval = "1m",
): void {
  const testCase: AlertTestCase = { eval_time: evalTime, alertname: alert, exp_alerts: expected };
  const rules = rulesFile(securityAlertGroups(cfg, ciNamespaces));
  const result = promtoolTestRules(rules, [{ interval: "1m", input_series: series, alert_rule_test: [testCase] }], evaluationInterval);
  if (!result.ok) throw new Error(`promtool test rules failed for ${alert}:\n${result.output}`);
}

const pod = { namespace: "default", workload: "web", pod: "web-1", node: "n1" };
const series = (metric: string, labels: Record<string, string>, values: string): InputSeries => ({
  series: `${metric}{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(",")}}`,
  values,
});
const policyEvents = (policy: string, labels: Record<string, string>, values: string) =>
  series("tetragon_policy_events_total", { policy, hook: "kprobe:test", ...pod, ...labels }, values);
/** Absent for 5 minutes, then present with `value` (a series created by its first events). */
const appearsWith = (value: number) => `_x5 ${value}x10`;

describe("security alert rules", () => {
  it("pass promtool check rules", () => {
    const result = promtoolCheckRules(rulesFile(securityAlertGroups(config)));
    expect(result.output).toContain("SUCCESS");
    expect(result.ok).toBe(true);
  });

  it("define every alert the issue asks for, each labelled category=security", () => {
    const rules = [...rulesOf(config).values()];
    expect(rules.map((rule) => rule.alert).sort()).toEqual(
      [
        "AbnormalProcessExecution",
        "PrivilegeEscalationDetected",
        "RepeatedAuthenticationFailures",
        "SensitiveFileAccessed",
        "SuspiciousNetworkActivity",
        "TetragonEventsDropped",
        "TetragonPolicyLoadFailed",
      ].sort(),
    );
    for (const group of rulesFile(securityAlertGroups(config)).groups) {
      for (const rule of group.rules) expect(rule.labels).toMatchObject({ category: "security", severity: expect.stringMatching(/^(critical|warning)$/) });
    }
  });
});

describe("PrivilegeEscalationDetected", () => {
  const labels = { binary: "/usr/bin/sudo" };
  it("fires on the first event of a new series", () => {
    expectPromtool(config, "PrivilegeEscalationDetected", [policyEvents(policyNames.privilegeEscalation, labels, appearsWith(1))], "7m", [
      firing(config, "PrivilegeEscalationDetected", { namespace: pod.namespace, pod: pod.pod, ...labels }, 1),
    ]);
  });
  it("stays silent for a counter that does not move and for CI namespaces", () => {
    expectPromtool(
      config,
      "PrivilegeEscalationDetected",
      [
        policyEvents(policyNames.privilegeEscalation, labels, "3x20"),
        policyEvents(policyNames.privilegeEscalation, { ...labels, namespace: "ci" }, appearsWith(4)),
        policyEvents(policyNames.sensitiveFiles, labels, appearsWith(1)),
      ],
      "7m",
      [],
    );
  });
});

describe("CI namespaces from the program", () => {
  // The runners' namespace arrives as an argument (index.ts), added to the configured ones.
  const noConfigured = securityConfig();
  const labels = { binary: "/usr/bin/sudo" };
  it("are skipped like configured ones, and only they", () => {
    const events = (namespace: string) => policyEvents(policyNames.privilegeEscalation, { ...labels, namespace }, appearsWith(1));
    expectPromtool(noConfigured, "PrivilegeEscalationDetected", [events("forgejo-runners"), events("web")], "7m", [
      firing(noConfigured, "PrivilegeEscalationDetected", { namespace: "web", pod: pod.pod, binary: labels.binary }, 1),
    ], ["forgejo-runners"]);
  });
});

describe("SensitiveFileAccessed", () => {
  const labels = { binary: "/bin/cat" };
  it("fires with the number of events of a new series", () => {
    expectPromtool(config, "SensitiveFileAccessed", [policyEvents(policyNames.sensitiveFiles, labels, appearsWith(2))], "7m", [
      firing(config, "SensitiveFileAccessed", { namespace: pod.namespace, pod: pod.pod, ...labels }, 2),
    ]);
  });
  it("stays silent for other policies' events", () => {
    expectPromtool(config, "SensitiveFileAccessed", [policyEvents(policyNames.networkEgress, labels, appearsWith(3))], "7m", []);
  });
});

describe("AbnormalProcessExecution", () => {
  const exec = (binary: string, extra: Record<string, string> = {}) =>
    series("tetragon_events_total", { type: "PROCESS_EXEC", binary, ...pod, ...extra }, appearsWith(1));
  it("fires for a binary started from /dev/shm", () => {
    expectPromtool(config, "AbnormalProcessExecution", [exec("/dev/shm/x")], "7m", [
      firing(config, "AbnormalProcessExecution", { namespace: pod.namespace, pod: pod.pod, binary: "/dev/shm/x" }, 1),
    ]);
  });
  it("stays silent for other directories, exit events and CI namespaces", () => {
    expectPromtool(
      config,
      "AbnormalProcessExecution",
      [
        exec("/opt/tmp/tool"),
        exec("/usr/bin/tmpfiles"),
        series("tetragon_events_total", { type: "PROCESS_EXIT", binary: "/tmp/x", ...pod }, appearsWith(1)),
        exec("/tmp/go-build1/b001/pkg.test", { namespace: "ci" }),
      ],
      "7m",
      [],
    );
  });
});

describe.each([
  ["defaults", securityConfig()],
  ["custom thresholds", securityConfig({ alerts: { suspiciousConnectionsPer5m: 2, authFailuresPer5m: 3 } })],
])("threshold alerts (%s)", (_, cfg) => {
  const egressLimit = cfg.alerts.suspiciousConnectionsPer5m;
  const authLimit = cfg.alerts.authFailuresPer5m;
  const egress = { binary: "/usr/bin/curl" };

  it(`SuspiciousNetworkActivity fires from ${egressLimit} connections`, () => {
    expectPromtool(cfg, "SuspiciousNetworkActivity", [policyEvents(policyNames.networkEgress, egress, appearsWith(egressLimit))], "7m", [
      firing(cfg, "SuspiciousNetworkActivity", { namespace: pod.namespace, pod: pod.pod, ...egress }, egressLimit),
    ]);
  });
  it(`SuspiciousNetworkActivity stays silent at ${egressLimit - 1}`, () => {
    expectPromtool(cfg, "SuspiciousNetworkActivity", [policyEvents(policyNames.networkEgress, egress, appearsWith(egressLimit - 1))], "7m", []);
  });
  it(`RepeatedAuthenticationFailures fires from ${authLimit} failures, under either metric spelling`, () => {
    for (const metric of ["authentication_attempts", "authentication_attempts_total"]) {
      expectPromtool(
        cfg,
        "RepeatedAuthenticationFailures",
        [
          series(metric, { job: "apiserver", result: "failure", authenticator: "bearertoken" }, appearsWith(authLimit)),
          series(metric, { job: "apiserver", result: "success", authenticator: "bearertoken" }, "0+1000x20"),
        ],
        "7m",
        [firing(cfg, "RepeatedAuthenticationFailures", { job: "apiserver" }, authLimit)],
      );
    }
  });
  it(`RepeatedAuthenticationFailures stays silent at ${authLimit - 1} failures`, () => {
    expectPromtool(
      cfg,
      "RepeatedAuthenticationFailures",
      [series("authentication_attempts", { job: "apiserver", result: "failure" }, appearsWith(authLimit - 1))],
      "7m",
      [],
    );
  });
});

describe("increase over an existing series", () => {
  // One event a minute for five minutes: increase() over 5m is exactly 5 on these samples.
  const cfg = securityConfig({ alerts: { suspiciousConnectionsPer5m: 5, authFailuresPer5m: 10 } });
  it("SuspiciousNetworkActivity counts five new connections on a long-lived series", () => {
    expectPromtool(cfg, "SuspiciousNetworkActivity", [policyEvents(policyNames.networkEgress, { binary: "/bin/nc" }, "0+1x20")], "12m", [
      firing(cfg, "SuspiciousNetworkActivity", { namespace: pod.namespace, pod: pod.pod, binary: "/bin/nc" }, 5),
    ]);
  });
  it("RepeatedAuthenticationFailures stays silent at five failures against a limit of ten, fires at ten", () => {
    expectPromtool(cfg, "RepeatedAuthenticationFailures", [series("authentication_attempts", { job: "apiserver", result: "failure" }, "0+1x20")], "12m", []);
    expectPromtool(cfg, "RepeatedAuthenticationFailures", [series("authentication_attempts", { job: "apiserver", result: "failure" }, "0+2x20")], "12m", [
      firing(cfg, "RepeatedAuthenticationFailures", { job: "apiserver" }, 10),
    ]);
  });
});

describe("events counted exactly, not extrapolated", () => {
  // Samples every minute, rules evaluated every 30s (scrapes and evaluations are not aligned in a
  // cluster either): at 13m30s the window's first sample is 30s after its start, and increase()
  // stretches the growth it saw to the whole window (x1.125 here; x1.25 on Prometheus 3 even when
  // aligned, its windows being left-open).
  const cfg = securityConfig({ alerts: { suspiciousConnectionsPer5m: 5, authFailuresPer5m: 10 } });
  it("SensitiveFileAccessed reports one event as 1", () => {
    expectPromtool(cfg, "SensitiveFileAccessed", [policyEvents(policyNames.sensitiveFiles, { binary: "/bin/cat" }, "2x10 3x10")], "13m30s", [
      firing(cfg, "SensitiveFileAccessed", { namespace: pod.namespace, pod: pod.pod, binary: "/bin/cat" }, 1),
    ], [], "30s");
  });
  it("SuspiciousNetworkActivity stays silent at four connections against a limit of five", () => {
    expectPromtool(cfg, "SuspiciousNetworkActivity", [policyEvents(policyNames.networkEgress, { binary: "/bin/nc" }, "1x10 5x10")], "13m30s", [], [], "30s");
  });
  it("a counter reset counts the events after it", () => {
    // The agent restarted at 11m: the same series starts again from 2 new events.
    expectPromtool(cfg, "SensitiveFileAccessed", [policyEvents(policyNames.sensitiveFiles, { binary: "/bin/cat" }, "7x10 2x10")], "13m", [
      firing(cfg, "SensitiveFileAccessed", { namespace: pod.namespace, pod: pod.pod, binary: "/bin/cat" }, 2),
    ]);
  });
});

describe("a scrape gap", () => {
  // Present for 10 minutes, missing for 10 (Prometheus or the agent restarting), back with the
  // same value: no event happened, so nothing may fire when the series reappears.
  const gap = (value: number) => `${value}x10 _x10 ${value}x10`;
  const cfg = securityConfig({ alerts: { suspiciousConnectionsPer5m: 1, authFailuresPer5m: 1 } });
  it.each(["22m", "25m", "28m"])("does not make an unchanged series fire again (at %s)", (evalTime) => {
    expectPromtool(cfg, "SensitiveFileAccessed", [policyEvents(policyNames.sensitiveFiles, { binary: "/bin/cat" }, gap(3))], evalTime, []);
    expectPromtool(cfg, "PrivilegeEscalationDetected", [policyEvents(policyNames.privilegeEscalation, { binary: "/bin/su" }, gap(1))], evalTime, []);
    expectPromtool(cfg, "SuspiciousNetworkActivity", [policyEvents(policyNames.networkEgress, { binary: "/bin/nc" }, gap(4))], evalTime, []);
    expectPromtool(cfg, "RepeatedAuthenticationFailures", [series("authentication_attempts", { job: "apiserver", result: "failure" }, gap(6))], evalTime, []);
  });
  it("catches the first event after an agent restart reset the counter during the gap", () => {
    // Before: 3 events; after the restart the same series starts again at its first event.
    expectPromtool(cfg, "SensitiveFileAccessed", [policyEvents(policyNames.sensitiveFiles, { binary: "/bin/cat" }, "3x10 _x10 1x10")], "25m", [
      firing(cfg, "SensitiveFileAccessed", { namespace: pod.namespace, pod: pod.pod, binary: "/bin/cat" }, 1),
    ]);
  });
  it("counts an event right after the gap as one, before the window reaches back past the gap", () => {
    // Back at 21m with the old value, one event at 24m; at 25m30s the window's start (20m30s) is still in the gap.
    expectPromtool(cfg, "SensitiveFileAccessed", [policyEvents(policyNames.sensitiveFiles, { binary: "/bin/cat" }, "3x10 _x10 3x2 4x5")], "25m30s", [
      firing(cfg, "SensitiveFileAccessed", { namespace: pod.namespace, pod: pod.pod, binary: "/bin/cat" }, 1),
    ], [], "30s");
  });
  it("still catches an event after the gap", () => {
    expectPromtool(cfg, "SensitiveFileAccessed", [policyEvents(policyNames.sensitiveFiles, { binary: "/bin/cat" }, "3x10 _x10 3x3 4x5")], "27m", [
      firing(cfg, "SensitiveFileAccessed", { namespace: pod.namespace, pod: pod.pod, binary: "/bin/cat" }, 1),
    ]);
  });
});

describe("TetragonPolicyLoadFailed", () => {
  const loaded = (state: string, values: string) => series("tetragon_tracingpolicy_loaded", { state, node: "n1" }, values);
  it("fires when a policy stays in load_error for five minutes", () => {
    expectPromtool(config, "TetragonPolicyLoadFailed", [loaded("load_error", "1x20"), loaded("enabled", "2x20")], "10m", [
      firing(config, "TetragonPolicyLoadFailed", { node: "n1", state: "load_error" }, 1),
    ]);
  });
  it("stays silent for enabled policies, an empty error state and a brief error", () => {
    expectPromtool(config, "TetragonPolicyLoadFailed", [loaded("enabled", "3x20"), loaded("error", "0x20"), loaded("load_error", "_x7 1x3")], "10m", []);
  });
});

describe("TetragonEventsDropped", () => {
  it("fires for each node losing events, whichever counter shows it", () => {
    expectPromtool(
      config,
      "TetragonEventsDropped",
      [
        series("tetragon_bpf_missed_events_total", { node: "n1", msg_op: "5", error: "ENOSPC" }, "0+60x30"),
        series("tetragon_observer_ringbuf_events_lost_total", { node: "n2" }, "0+60x30"),
      ],
      "20m",
      [firing(config, "TetragonEventsDropped", { node: "n1" }, 1), firing(config, "TetragonEventsDropped", { node: "n2" }, 1)],
    );
  });
  it("stays silent while the counters do not move", () => {
    expectPromtool(
      config,
      "TetragonEventsDropped",
      [series("tetragon_bpf_missed_events_total", { node: "n1" }, "100x30"), series("tetragon_observer_ringbuf_queue_events_lost_total", { node: "n1" }, "7x30")],
      "20m",
      [],
    );
  });
});
