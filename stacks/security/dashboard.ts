import { grafanaPlugins } from "../../versions";
import { datasourceUids } from "../observability";
import { policyNames } from "./tracing-policies";
import { droppedEventRates } from "./alerts";

/**
 * The "Tetragon security events" Grafana dashboard, built from typed panels and serialised to
 * JSON. Log panels query VictoriaLogs (LogsQL over the `export-stdout` container's JSON lines);
 * metric panels query Thanos (PromQL over Tetragon's counters).
 */

/** A Grafana datasource reference; the uids are the ones the observability stack provisions. */
export interface DatasourceRef {
  readonly type: string;
  readonly uid: string;
}

/**
 * The datasources the observability stack provisions, by its own uids and plugin id, so a rename
 * there follows here. Metrics come from Thanos, which holds the long history.
 */
export const datasources = {
  logs: { type: grafanaPlugins.victoriaLogsDatasource.id, uid: datasourceUids.victoriaLogs },
  metrics: { type: "prometheus", uid: datasourceUids.thanos },
} as const satisfies Record<string, DatasourceRef>;

/** VictoriaLogs query types (victorialogs-datasource `QueryType`): raw logs, one stats table, stats over time. */
export type LogsQueryType = "instant" | "stats" | "statsRange";

export interface LogsTarget {
  readonly refId: string;
  readonly datasource: typeof datasources.logs;
  readonly expr: string;
  readonly queryType: LogsQueryType;
  readonly editorMode: "code";
  readonly legendFormat?: string;
}

export interface MetricsTarget {
  readonly refId: string;
  readonly datasource: typeof datasources.metrics;
  readonly expr: string;
  readonly legendFormat: string;
}

export type PanelType = "timeseries" | "table" | "logs" | "stat";

export interface Panel {
  readonly id: number;
  readonly type: PanelType;
  readonly title: string;
  readonly description?: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource: DatasourceRef;
  readonly targets: readonly (LogsTarget | MetricsTarget)[];
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly schemaVersion: number;
  readonly editable: boolean;
  readonly time: { readonly from: string; readonly to: string };
  readonly refresh: string;
  readonly panels: readonly Panel[];
}

export interface DashboardInputs {
  /** Namespace Tetragon runs in: its pods' logs are the event stream. */
  readonly tetragonNamespace: string;
  /** Where the collector and VictoriaLogs run; named in the description for whoever debugs an empty panel. */
  readonly logsNamespace: string;
}

/** Container the chart's stdout exporter runs as (templates/_container_export_stdout.tpl). */
export const exportContainer = "export-stdout";

/**
 * The LogsQL stream selector for Tetragon events. `kubernetes.pod_namespace` and
 * `kubernetes.container_name` are stream fields of the log collector, so this narrows to the
 * event stream before any line is read.
 */
export function eventStream(tetragonNamespace: string): string {
  return `{kubernetes.pod_namespace="${tetragonNamespace}", kubernetes.container_name="${exportContainer}"}`;
}

/**
 * The events with their JSON fields (`process_exec.process.binary`, `process_kprobe.policy_name`,
 * ...). `unpack_json` makes the queries work whether or not the collector already parsed the line.
 */
export function eventQuery(tetragonNamespace: string): string {
  return `${eventStream(tetragonNamespace)} | unpack_json`;
}

/**
 * The text a logs panel shows for a kprobe event. Tetragon's JSON has no message field, so
 * VictoriaLogs stores the placeholder "missing _msg field" as each event's `_msg`, and the panel
 * would show that on every line; `format` writes a readable line there instead (hook, process
 * with its arguments when it had any, where, node). Every field stays in the line's details.
 */
export function kprobeMessage(): string {
  const line = (process: string) =>
    `"<process_kprobe.function_name>: ${process} in <process_kprobe.process.pod.namespace>/<process_kprobe.process.pod.name> on <node_name>" as _msg`;
  return [
    `format ${line("<process_kprobe.process.binary>")}`,
    `format if (process_kprobe.process.arguments:*) ${line("<process_kprobe.process.binary> <process_kprobe.process.arguments>")}`,
  ].join(" | ");
}

export function securityDashboard(inputs: DashboardInputs): Dashboard {
  const events = eventQuery(inputs.tetragonNamespace);
  const kprobes = `${events} | filter process_kprobe.policy_name:*`;
  const panels: Omit<Panel, "id">[] = [
    logsPanel("timeseries", "Events by type", { x: 0, y: 0, w: 12, h: 8 }, {
      expr: `${events} | stats count() if (process_exec.process.binary:*) as exec, count() if (process_exit.process.binary:*) as exit, count() if (process_kprobe.policy_name:*) as kprobe`,
      queryType: "statsRange",
    }),
    metricsPanel("timeseries", "Policy events per second", { x: 12, y: 0, w: 12, h: 8 }, [
      { expr: "sum by (policy) (rate(tetragon_policy_events_total[5m]))", legendFormat: "{{policy}}" },
    ]),
    logsPanel("table", "Policy events by namespace", { x: 0, y: 8, w: 12, h: 8 }, {
      expr: `${kprobes} | stats by (process_kprobe.policy_name, process_kprobe.process.pod.namespace) count() as events | sort by (events desc) | limit 20`,
      queryType: "stats",
    }),
    logsPanel("table", "Most executed binaries", { x: 12, y: 8, w: 12, h: 8 }, {
      expr: `${events} | filter process_exec.process.binary:* | stats by (process_exec.process.binary, process_exec.process.pod.namespace) count() as execs | sort by (execs desc) | limit 20`,
      queryType: "stats",
    }),
    ...Object.values(policyNames).map((policy, index) =>
      logsPanel("logs", `Events: ${policy}`, { x: index * 8, y: 16, w: 8, h: 10 }, {
        expr: `${events} | filter process_kprobe.policy_name:="${policy}" | ${kprobeMessage()}`,
        queryType: "instant",
      }),
    ),
    metricsPanel("timeseries", "Events per second by type", { x: 0, y: 26, w: 8, h: 8 }, [
      { expr: "sum by (type) (rate(tetragon_events_total[5m]))", legendFormat: "{{type}}" },
    ]),
    metricsPanel("stat", "Tracing policies by state", { x: 8, y: 26, w: 8, h: 8 }, [
      { expr: "sum by (state) (max by (node, state) (tetragon_tracingpolicy_loaded))", legendFormat: "{{state}}" },
    ]),
    metricsPanel("timeseries", "Lost events per second", { x: 16, y: 26, w: 8, h: 8 }, [
      { expr: `sum by (counter) (${droppedEventRates()})`, legendFormat: "{{counter}}" },
    ]),
  ];
  return {
    uid: "tetragon-security",
    title: "Tetragon security events",
    description: `Tetragon events from the ${exportContainer} containers in ${inputs.tetragonNamespace}, shipped to VictoriaLogs by the collector in ${inputs.logsNamespace}. Base query: ${events}`,
    tags: ["security", "tetragon"],
    schemaVersion: 39,
    editable: false,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    panels: panels.map((panel, index) => ({ id: index + 1, ...panel })),
  };
}

type GridPos = Panel["gridPos"];

function logsPanel(
  type: PanelType,
  title: string,
  gridPos: GridPos,
  query: { readonly expr: string; readonly queryType: LogsQueryType },
): Omit<Panel, "id"> {
  return {
    type,
    title,
    gridPos,
    datasource: datasources.logs,
    targets: [{ refId: "A", datasource: datasources.logs, expr: query.expr, queryType: query.queryType, editorMode: "code" }],
  };
}

function metricsPanel(
  type: PanelType,
  title: string,
  gridPos: GridPos,
  queries: readonly { readonly expr: string; readonly legendFormat: string }[],
): Omit<Panel, "id"> {
  return {
    type,
    title,
    gridPos,
    datasource: datasources.metrics,
    targets: queries.map((query, index) => ({
      refId: String.fromCharCode(65 + index),
      datasource: datasources.metrics,
      expr: query.expr,
      legendFormat: query.legendFormat,
    })),
  };
}
