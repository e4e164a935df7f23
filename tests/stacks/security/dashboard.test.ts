import { grafanaDatasources } from "../../../stacks/observability/metrics/grafana";
import { eventStream, kprobeMessage, securityDashboard, type Dashboard, type Panel } from "../../../stacks/security/dashboard";
import { policyNames } from "../../../stacks/security/tracing-policies";
import { promtoolCheckRules } from "../../helpers/promtool";

const dashboard = JSON.parse(JSON.stringify(securityDashboard({ tetragonNamespace: "security", logsNamespace: "logging" }))) as Dashboard;
const targetsOf = (panel: Panel) => panel.targets;

/** The datasources the observability stack provisions in Grafana, as (type, uid). */
const provisioned = grafanaDatasources({ thanosQuery: "http://t", prometheus: "http://p", victoriaLogs: "http://v", alertmanager: "http://a" }).map(
  (datasource) => ({ type: datasource.type, uid: datasource.uid }),
);

describe("Tetragon dashboard", () => {
  it("is well-formed: unique panel ids, panels inside the 24-column grid without overlapping", () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let row = y; row < y + h; row++) {
        for (let column = x; column < x + w; column++) {
          const cell = `${row}:${column}`;
          expect({ panel: panel.title, cell, taken: cells.has(cell) }).toMatchObject({ taken: false });
          cells.add(cell);
        }
      }
      const refIds = targetsOf(panel).map((target) => target.refId);
      expect(refIds.length).toBeGreaterThan(0);
      expect(new Set(refIds).size).toBe(refIds.length);
    }
  });

  it("queries only datasources the observability stack provisions, by the same uid and type", () => {
    expect(provisioned.length).toBeGreaterThan(0);
    for (const panel of dashboard.panels) {
      expect(provisioned).toContainEqual(panel.datasource);
      for (const target of targetsOf(panel)) expect(target.datasource).toEqual(panel.datasource);
    }
    const types = new Set(dashboard.panels.map((panel) => panel.datasource.type));
    expect(types).toEqual(new Set(["victoriametrics-logs-datasource", "prometheus"]));
  });

  it("reads the events from Tetragon's export-stdout stream in the configured namespace", () => {
    const logs = dashboard.panels.filter((panel) => panel.datasource.type === "victoriametrics-logs-datasource");
    expect(logs.length).toBeGreaterThan(0);
    for (const target of logs.flatMap(targetsOf)) expect(target.expr.startsWith(eventStream("security"))).toBe(true);
    expect(eventStream("tetra")).toContain('kubernetes.pod_namespace="tetra"');
  });

  it("has an event panel for every tracing policy", () => {
    const exprs = dashboard.panels.flatMap(targetsOf).map((target) => target.expr);
    for (const policy of Object.values(policyNames)) expect(exprs.some((expr) => expr.includes(`process_kprobe.policy_name:="${policy}"`))).toBe(true);
  });

  it("gives every log line a text of its own: the events carry no message field", () => {
    // Without a format pipe, VictoriaLogs' placeholder "missing _msg field" is each line's text
    // (the live suite's tests/live/victoria-logs/tetragon.test.ts checks the lines themselves).
    const logLines = dashboard.panels.filter((panel) => panel.type === "logs");
    expect(logLines.length).toBe(Object.values(policyNames).length);
    for (const target of logLines.flatMap(targetsOf)) expect(target.expr.endsWith(`| ${kprobeMessage()}`)).toBe(true);
    const formats = kprobeMessage().split(" | ");
    expect(formats).toHaveLength(2);
    for (const format of formats) {
      expect(format).toMatch(/^format (if \(\S+\) )?".*<process_kprobe\.process\.binary>.*<process_kprobe\.process\.pod\.namespace>\/<process_kprobe\.process\.pod\.name>.*" as _msg$/);
    }
  });

  it("has Prometheus panels whose PromQL parses (promtool)", () => {
    const promql = dashboard.panels.filter((panel) => panel.datasource.type === "prometheus").flatMap(targetsOf);
    expect(promql.length).toBeGreaterThan(0);
    const rules = { groups: [{ name: "dashboard", rules: promql.map((target, index) => ({ record: `dashboard:query${index}`, expr: target.expr })) }] };
    const result = promtoolCheckRules(rules);
    expect(result.output).toContain("SUCCESS");
  });
});
