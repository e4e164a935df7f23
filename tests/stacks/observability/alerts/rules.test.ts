import * as fs from "node:fs";
import * as path from "node:path";
import { rulesFile, type SerialisedRule } from "../../../../stacks/building-blocks/prometheus-rule";
import { observabilitySchema } from "../../../../config/schema/observability";
import { observabilityAlertGroups } from "../../../../stacks/observability/alerts";
import { runbookDocument } from "../../../../stacks/observability/alerts/runbooks";
import { sidecarContainer, thanosJobs, thanosThresholds } from "../../../../stacks/observability/alerts/thanos";
import { victoriaLogsThresholds } from "../../../../stacks/observability/alerts/victoria-logs";
import { victoriaLogsJob } from "../../../../stacks/observability/public";
import { promtoolCheckRules, promtoolTestRules, type InputSeries, type RuleTest } from "../../../helpers/promtool";

/**
 * Every alert is checked by promtool twice: one scenario where it must fire (with the exact
 * labels and rendered annotations) and one where it must stay silent. Series values are derived
 * from the thresholds the rules use, on either side of them.
 */

const groups = observabilityAlertGroups();
const rules = rulesFile(groups);
const allRules = new Map<string, SerialisedRule>(rules.groups.flatMap((group) => group.rules.map((rule) => [rule.alert, rule] as const)));

type Labels = Record<string, string>;

const series = (name: string, labels: Labels, values: string): InputSeries => ({
  series: `${name}{${Object.entries(labels).map(([key, value]) => `${key}="${value}"`).join(",")}}`,
  values,
});

/** promtool's expanding notation: `start`, then `count` more samples each `step` apart. */
const counter = (perStep: number, count: number) => `0+${perStep}x${count}`;
const constant = (value: number, count: number) => `${value}x${count}`;

interface Scenario {
  readonly interval?: string;
  readonly evalTime: string;
  readonly series: readonly InputSeries[];
}

interface AlertCase {
  /** Rule evaluation step; coarser for the hours-long scenarios. Defaults to 1m. */
  readonly evaluationInterval?: string;
  /** Labels the firing alert carries besides the rule's own (severity, category). */
  readonly firingLabels: Labels;
  readonly fires: Scenario;
  readonly silent: readonly Scenario[];
}

const vlPod = { namespace: "logging", pod: "vls-victoria-logs-single-server-0", job: victoriaLogsJob };
const vlOut = { namespace: vlPod.namespace, pod: vlPod.pod };
const sidecar = { namespace: "monitoring", pod: "prometheus-kps-prometheus-0", container: sidecarContainer, job: "kps-thanos-discovery" };
const sidecarOut = { namespace: sidecar.namespace, pod: sidecar.pod };
const compactor = { namespace: "monitoring", pod: "thanos-compact-0", job: "thanos-compact" };
const storeGateway = { namespace: "monitoring", pod: "thanos-store-gateway-0", job: thanosJobs.storeGateway, container: "thanos" };

/** Data and free bytes whose used share is `ratio` of a 100 GiB volume; data split over both types. */
function disk(ratio: number): InputSeries[] {
  const total = 100 * 2 ** 30;
  const data = Math.round(total * ratio);
  return [
    series("vl_data_size_bytes", { ...vlPod, type: "storage" }, constant(Math.round(data * 0.9), 60)),
    series("vl_data_size_bytes", { ...vlPod, type: "indexdb" }, constant(data - Math.round(data * 0.9), 60)),
    series("vl_free_disk_space_bytes", { ...vlPod, path: "/storage" }, constant(total - data, 60)),
  ];
}

/** The three syslog error counters, each growing by `perSecond` (so together 3x that). */
function syslogErrors(perSecond: number): InputSeries[] {
  const perMinute = perSecond * 60;
  return [
    series("vl_errors_total", { ...vlPod, type: "syslog" }, counter(perMinute, 60)),
    series("vl_udp_errors_total", { ...vlPod, type: "syslog" }, counter(perMinute, 60)),
    series("vm_tcplistener_errors_total", { ...vlPod, name: "syslog", addr: ":514", type: "accept" }, counter(perMinute, 60)),
  ];
}

/** Ingested rows at 100/min and dropped rows at `droppedShare` of that. */
function rows(droppedShare: number): InputSeries[] {
  return [
    series("vl_rows_ingested_total", { ...vlPod, type: "native" }, counter(100, 60)),
    series("vl_rows_dropped_total", { ...vlPod, reason: "too_small_timestamp" }, counter(100 * droppedShare, 60)),
  ];
}

const noUploadHours = thanosThresholds.noUploadWindowHours;
// 5m samples: instant lookups see 5 minutes back, so sparser samples would flicker the `for` timer.
const steps = (hours: number) => hours * 12;

const cases: Record<string, AlertCase> = {
  VictoriaLogsDown: {
    // absent() of an expression (not a bare selector) carries no labels.
    firingLabels: {},
    fires: { evalTime: "10m", series: [series("up", vlPod, constant(0, 20))] },
    silent: [{ evalTime: "10m", series: [series("up", vlPod, constant(1, 20))] }],
  },
  VictoriaLogsIngestionStopped: {
    firingLabels: vlOut,
    fires: { evalTime: "40m", series: [series("vl_rows_ingested_total", { ...vlPod, type: "native" }, constant(5000, 60))] },
    silent: [{ evalTime: "40m", series: [series("vl_rows_ingested_total", { ...vlPod, type: "native" }, counter(100, 60))] }],
  },
  VictoriaLogsDiskNearlyFull: {
    firingLabels: vlOut,
    // Halfway between the threshold and a full disk fires; 10 points below it does not.
    fires: { evalTime: "45m", series: disk((victoriaLogsThresholds.diskUsedRatio + 1) / 2) },
    silent: [{ evalTime: "45m", series: disk(victoriaLogsThresholds.diskUsedRatio - 0.1) }],
  },
  VictoriaLogsStorageReadOnly: {
    firingLabels: vlOut,
    fires: { evalTime: "10m", series: [series("vl_storage_is_read_only", { ...vlPod, path: "/storage" }, constant(1, 20))] },
    silent: [{ evalTime: "10m", series: [series("vl_storage_is_read_only", { ...vlPod, path: "/storage" }, constant(0, 20))] }],
  },
  VictoriaLogsSyslogErrors: {
    firingLabels: vlOut,
    // Each counter alone stays under the threshold; only their sum crosses it, which proves the
    // expression adds all three sources instead of keeping one.
    fires: { evalTime: "30m", series: syslogErrors(victoriaLogsThresholds.syslogErrorsPerSecond / 2) },
    silent: [{ evalTime: "30m", series: syslogErrors(victoriaLogsThresholds.syslogErrorsPerSecond / 4) }],
  },
  VictoriaLogsRowsDropped: {
    firingLabels: vlOut,
    fires: { evalTime: "40m", series: rows(victoriaLogsThresholds.droppedRowsRatio * 5) },
    silent: [{ evalTime: "40m", series: rows(victoriaLogsThresholds.droppedRowsRatio / 2) }],
  },
  ThanosCompactHalted: {
    firingLabels: { namespace: compactor.namespace, pod: compactor.pod },
    fires: { evalTime: "10m", series: [series("thanos_compact_halted", compactor, constant(1, 20))] },
    silent: [{ evalTime: "10m", series: [series("thanos_compact_halted", compactor, constant(0, 20))] }],
  },
  ThanosStoreGatewayDown: {
    firingLabels: {},
    fires: {
      evalTime: "10m",
      series: [series("up", { job: thanosJobs.storeGateway }, constant(0, 20)), series("up", { job: thanosJobs.query }, constant(1, 20))],
    },
    silent: [{ evalTime: "10m", series: [series("up", { job: thanosJobs.storeGateway }, constant(1, 20))] }],
  },
  ThanosQueryDown: {
    firingLabels: {},
    // A healthy query-frontend must not stand in for the query component.
    fires: {
      evalTime: "10m",
      series: [series("up", { job: thanosJobs.query }, constant(0, 20)), series("up", { job: `${thanosJobs.query}-frontend` }, constant(1, 20))],
    },
    silent: [{ evalTime: "10m", series: [series("up", { job: thanosJobs.query }, constant(1, 20))] }],
  },
  ThanosSidecarPrometheusUnreachable: {
    firingLabels: sidecarOut,
    fires: { evalTime: "10m", series: [series("thanos_sidecar_prometheus_up", sidecar, constant(0, 20))] },
    silent: [{ evalTime: "10m", series: [series("thanos_sidecar_prometheus_up", sidecar, constant(1, 20))] }],
  },
  ThanosSidecarBucketOperationsFailed: {
    firingLabels: sidecarOut,
    fires: { evalTime: "30m", series: [series("thanos_objstore_bucket_operation_failures_total", { ...sidecar, operation: "upload" }, counter(1, 40))] },
    silent: [
      { evalTime: "30m", series: [series("thanos_objstore_bucket_operation_failures_total", { ...sidecar, operation: "upload" }, constant(0, 40))] },
      // The store gateway's failures are not the sidecar's.
      { evalTime: "30m", series: [series("thanos_objstore_bucket_operation_failures_total", { ...storeGateway, operation: "get" }, counter(1, 40))] },
    ],
  },
  ThanosSidecarNoUploads: {
    evaluationInterval: "5m",
    firingLabels: sidecarOut,
    fires: {
      interval: "5m",
      evalTime: `${noUploadHours + 2}h`,
      series: [
        series("thanos_shipper_uploads_total", sidecar, constant(3, steps(noUploadHours + 4))),
        series("process_start_time_seconds", sidecar, constant(0, steps(noUploadHours + 4))),
      ],
    },
    silent: [
      {
        interval: "5m",
        evalTime: `${noUploadHours + 2}h`,
        series: [
          series("thanos_shipper_uploads_total", sidecar, counter(1, steps(noUploadHours + 4))),
          series("process_start_time_seconds", sidecar, constant(0, steps(noUploadHours + 4))),
        ],
      },
      // Started 3h before evaluation: too young to have missed an upload.
      {
        interval: "5m",
        evalTime: `${noUploadHours + 2}h`,
        series: [
          series("thanos_shipper_uploads_total", sidecar, constant(0, steps(noUploadHours + 4))),
          series("process_start_time_seconds", sidecar, constant((noUploadHours - 1) * 3600, steps(noUploadHours + 4))),
        ],
      },
    ],
  },
  PrometheusTSDBWALCorruptions: {
    firingLabels: { namespace: "monitoring", pod: "prometheus-kps-prometheus-0" },
    fires: {
      evalTime: "10m",
      series: [series("prometheus_tsdb_wal_corruptions_total", { namespace: "monitoring", pod: "prometheus-kps-prometheus-0", job: "kps-prometheus" }, "0 0 0 1 1 1 1 1 1 1 1 1")],
    },
    silent: [
      {
        evalTime: "10m",
        series: [series("prometheus_tsdb_wal_corruptions_total", { namespace: "monitoring", pod: "prometheus-kps-prometheus-0", job: "kps-prometheus" }, constant(0, 12))],
      },
    ],
  },
};

/** Annotations as Prometheus renders them: only `{{ $labels.<name> }}` is used by these rules. */
function render(template: string, labels: Labels): string {
  return template.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_match, name: string) => labels[name] ?? "");
}

function ruleTests(alert: string, expectation: "fires" | "silent", scenarios: readonly Scenario[]): RuleTest[] {
  const rule = allRules.get(alert)!;
  const labels = { ...cases[alert].firingLabels, ...rule.labels };
  const expected =
    expectation === "fires"
      ? [{ exp_labels: labels, exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([key, text]) => [key, render(text, labels)])) }]
      : [];
  return scenarios.map((scenario) => ({
    interval: scenario.interval ?? "1m",
    input_series: scenario.series,
    alert_rule_test: [{ eval_time: scenario.evalTime, alertname: alert, exp_alerts: expected }],
  }));
}

describe("observability alert rules", () => {
  test("promtool check rules accepts every group", () => {
    const result = promtoolCheckRules(rules);
    expect(result.output).toContain(`SUCCESS: ${allRules.size} rules found`);
    expect(result.ok).toBe(true);
  });

  test("every alert has a fire/silent case below, and every case an alert", () => {
    expect(Object.keys(cases).sort()).toEqual([...allRules.keys()].sort());
  });

  describe("promtool test rules", () => {
    // One promtool run per evaluation step (not per alert) keeps the suite fast; promtool names
    // every failing alert, so each alert still gets its own verdict below.
    const runs: { alerts: string[]; ok: boolean; output: string }[] = [];
    beforeAll(() => {
      const byInterval = new Map<string, string[]>();
      for (const alert of allRules.keys()) {
        const interval = cases[alert]?.evaluationInterval ?? "1m";
        byInterval.set(interval, [...(byInterval.get(interval) ?? []), alert]);
      }
      for (const [interval, alerts] of byInterval) {
        const tests = alerts.flatMap((alert) => [...ruleTests(alert, "fires", [cases[alert].fires]), ...ruleTests(alert, "silent", cases[alert].silent)]);
        runs.push({ alerts, ...promtoolTestRules(rules, tests, interval) });
      }
    });

    test("every run succeeds", () => {
      for (const run of runs) {
        expect(run.output).toContain("SUCCESS");
        expect(run.ok).toBe(true);
      }
    });

    test.each([...allRules.keys()])("%s fires on its scenario and stays silent on the others", (alert) => {
      const run = runs.find((candidate) => candidate.alerts.includes(alert));
      expect(run).toBeDefined();
      const failed = [...run!.output.matchAll(/alertname: (\w+)/g)].map((match) => match[1]);
      expect(failed).not.toContain(alert);
    });
  });

  test("the harness can fail: expecting the silent scenario to fire is reported by promtool", () => {
    const alert = "VictoriaLogsDiskNearlyFull";
    const wrong = ruleTests(alert, "fires", cases[alert].silent);
    const result = promtoolTestRules(rules, wrong);
    expect(result.ok).toBe(false);
    expect(result.output).toContain(alert);
  });

  test("every alert carries severity, category and a runbook section that exists", () => {
    const runbooks = fs.readFileSync(path.resolve(__dirname, "../../../..", runbookDocument), "utf8");
    const headings = new Set([...runbooks.matchAll(/^## (\S+)$/gm)].map((match) => match[1].toLowerCase()));
    for (const rule of allRules.values()) {
      expect(rule.labels).toEqual(expect.objectContaining({ severity: expect.stringMatching(/^(critical|warning|info)$/), category: expect.any(String) }));
      const anchor = rule.annotations.runbook_url.split("#")[1];
      expect(rule.annotations.runbook_url.startsWith(`${runbookDocument}#`)).toBe(true);
      expect(headings).toContain(anchor);
    }
  });

  test("the disk alert sits above every retention valve the config accepts", () => {
    const accepted = (percent: number) =>
      observabilitySchema.safeParse({ victoriaLogs: { maxDiskUsagePercent: percent, syslog: { type: "loadBalancer", address: "10.0.0.1" } } }).success;
    const highestValve = Math.max(...Array.from({ length: 100 }, (_, i) => i + 1).filter(accepted));
    expect(highestValve).toBeLessThan(victoriaLogsThresholds.diskUsedRatio * 100);
  });
});
