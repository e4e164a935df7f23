import * as fs from "node:fs";
import * as path from "node:path";
import { exportContainer } from "../../../stacks/security/dashboard";
import { policyNames } from "../../../stacks/security/tracing-policies";
import { collectorValuesOf, dashboardLogsQueriesOf, type DashboardLogsQuery } from "../../../tools/local/plan-parts";
import { logsqlQuery, logsqlStats, startCollector, type CollectorRun } from "../../../tools/local/victoria-logs";
import { stackConfig } from "../../helpers/stack-config";
import { toolPath } from "../../../tools/toolchain/paths";
import { eventually, startHarness, type VictoriaLogsHarness } from "./harness";
import { agentLogLines, exportedEvents, type Fixture } from "./tetragon-events";

/**
 * Tetragon's exported events reach VictoriaLogs through vlagent (the collector's agent, pinned
 * build, native protocol, our stream fields), and every LogsQL query of our dashboards parses and
 * returns the rows the events imply. Alerts carry no LogsQL: the security and logging alerts are
 * PromQL over metrics (PrometheusRules), checked by promtool elsewhere.
 */

const tetragonNamespace = stackConfig("home").security.namespace;
const now = new Date();
const events = exportedEvents(now);

let h: VictoriaLogsHarness;
let collector: CollectorRun;
let queries: DashboardLogsQuery[];

beforeAll(async () => {
  h = await startHarness("tetragon");
  const collectorValues = collectorValuesOf(h.plan.resources) as { collector: { streamFields: string[]; includePodLabels: boolean } };
  const pod = (name: string, container: string) => ({
    "kubernetes.pod_namespace": tetragonNamespace,
    "kubernetes.pod_name": name,
    "kubernetes.container_name": container,
    "kubernetes.node_name": "talos-cp-01",
    // includePodLabels is on in our values: the collector adds the pod's labels like this.
    ...(collectorValues.collector.includePodLabels ? { "kubernetes.pod_labels.app.kubernetes.io/name": "tetragon" } : {}),
  });
  const exportFile = path.join(h.workDir, "export-stdout.log");
  const agentFile = path.join(h.workDir, "tetragon.log");
  fs.writeFileSync(exportFile, events.map((e) => e.line).join("\n") + "\n");
  fs.writeFileSync(agentFile, agentLogLines(now).join("\n") + "\n");
  collector = await startCollector({
    binary: toolPath("victorialogs", "vlagent"),
    victoriaLogsUrl: h.vl.url,
    files: [
      { path: exportFile, podFields: pod("tetragon-x7k2p", exportContainer) },
      { path: agentFile, podFields: pod("tetragon-x7k2p", "tetragon") },
    ],
    streamFields: collectorValues.collector.streamFields,
    workDir: h.workDir,
    lifetimeSeconds: 300,
  });
  const expectedRows = events.length + agentLogLines(now).length;
  await eventually(`${expectedRows} rows from vlagent`, async () => {
    const rows = await logsqlQuery(h.vl.url, `{kubernetes.pod_namespace="${tetragonNamespace}"} | stats count() as n`);
    return Number(rows[0]?.n) === expectedRows;
  }, 30_000);
  queries = dashboardLogsQueriesOf(h.plan.resources);
});

afterAll(async () => {
  await collector?.server.stop();
  await h?.stop();
});

const count = (pick: (e: Fixture) => boolean) => events.filter(pick).length;

/** Groups fixtures like `stats by (...) count()`, sorted by count descending. */
function groups(pick: (e: Fixture) => boolean, key: (e: Fixture) => string[]): { key: string[]; n: number }[] {
  const counts = new Map<string, { key: string[]; n: number }>();
  for (const e of events.filter(pick)) {
    const k = key(e);
    const entry = counts.get(JSON.stringify(k)) ?? { key: k, n: 0 };
    entry.n++;
    counts.set(JSON.stringify(k), entry);
  }
  return [...counts.values()].sort((a, b) => b.n - a.n);
}

const window = { start: new Date(now.getTime() - 3600_000).toISOString(), end: new Date(now.getTime() + 60_000).toISOString() };

/** What each dashboard panel must show for the fixtures; a panel without an entry fails the test. */
const expectations: Record<string, (q: DashboardLogsQuery) => Promise<void>> = {
  "Events by type": async (q) => {
    const result = await logsqlStats(h.vl.url, "stats_query_range", q.expr, { ...window, step: "1h" });
    const total = (name: string) => (result.find((r) => r.metric.__name__ === name)?.values ?? []).reduce((sum, [, v]) => sum + Number(v), 0);
    expect({ exec: total("exec"), exit: total("exit"), kprobe: total("kprobe") }).toEqual({
      exec: count((e) => e.type === "process_exec"),
      exit: count((e) => e.type === "process_exit"),
      kprobe: count((e) => e.type === "process_kprobe"),
    });
  },
  "Policy events by namespace": async (q) => {
    const result = await logsqlStats(h.vl.url, "stats_query", q.expr, { time: window.end });
    const rows = result.map((r) => ({ key: [r.metric["process_kprobe.policy_name"], r.metric["process_kprobe.process.pod.namespace"]], n: Number(r.value![1]) }));
    const expected = groups((e) => e.type === "process_kprobe", (e) => [e.policy!, e.namespace]);
    expect(sortByKey(rows)).toEqual(sortByKey(expected));
    expect(rows.map((r) => r.n)).toEqual([...rows.map((r) => r.n)].sort((a, b) => b - a));
  },
  "Most executed binaries": async (q) => {
    const result = await logsqlStats(h.vl.url, "stats_query", q.expr, { time: window.end });
    const rows = result.map((r) => ({ key: [r.metric["process_exec.process.binary"], r.metric["process_exec.process.pod.namespace"]], n: Number(r.value![1]) }));
    expect(sortByKey(rows)).toEqual(sortByKey(groups((e) => e.type === "process_exec", (e) => [e.binary, e.namespace])));
  },
  ...Object.fromEntries(
    Object.values(policyNames).map((policy) => [
      `Events: ${policy}`,
      async (q: DashboardLogsQuery) => {
        const rows = await logsqlQuery(h.vl.url, q.expr, window);
        expect(rows.map((r) => r["process_kprobe.policy_name"])).toEqual(Array(count((e) => e.policy === policy)).fill(policy));
        // What a reader of the log panel needs: which binary, where, and when (the event's own time).
        const times = events.filter((e) => e.policy === policy).map((e) => JSON.parse(e.line).time as string);
        for (const row of rows) {
          // The line's text (the events have no message field, so VictoriaLogs' placeholder otherwise).
          const where = `${row["process_kprobe.process.pod.namespace"]}/${row["process_kprobe.process.pod.name"]}`;
          const process = [row["process_kprobe.process.binary"], row["process_kprobe.process.arguments"]].filter((part) => part).join(" ");
          expect(row._msg).toBe(`${row["process_kprobe.function_name"]}: ${process} in ${where} on talos-cp-01`);
          expect(row._msg).not.toContain("missing _msg field");
          expect(row["process_kprobe.process.binary"]).toMatch(/^\//);
          expect(row["process_kprobe.process.pod.namespace"]).toMatch(/^(apps|media)$/);
          expect(times.map((t) => Date.parse(t))).toContain(Date.parse(row._time));
        }
      },
    ]),
  ),
};

function sortByKey<T extends { key: string[] }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => a.key.join("/").localeCompare(b.key.join("/")));
}

describe("Tetragon events in VictoriaLogs (vlagent → native protocol, pinned builds)", () => {
  test("the events keep Tetragon's nested fields as dotted fields, their own time as _time, and the collector's stream", async () => {
    const rows = await logsqlQuery(h.vl.url, `{kubernetes.pod_namespace="${tetragonNamespace}", kubernetes.container_name="${exportContainer}"} process_kprobe.function_name:=tcp_connect`, window);
    expect(rows).toHaveLength(count((e) => e.policy === policyNames.networkEgress));
    for (const row of rows) {
      expect(row).toMatchObject({ "process_kprobe.policy_name": policyNames.networkEgress, node_name: "talos-cp-01", "kubernetes.pod_namespace": tetragonNamespace });
      expect(row._stream).toContain(`kubernetes.container_name="${exportContainer}"`);
    }
  });

  test("the dashboards carry LogsQL queries, and each has an expectation here", () => {
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.map((q) => q.panel).filter((panel) => !(panel in expectations))).toEqual([]);
  });

  test("every dashboard LogsQL query parses and returns the rows the events imply", async () => {
    for (const q of queries) {
      try {
        await expectations[q.panel](q);
      } catch (err) {
        throw new Error(`panel "${q.panel}" of "${q.dashboard}" (${q.queryType}): ${q.expr}\n${(err as Error).message}`);
      }
    }
  });

  test("the agent's own log lines in the same namespace are not counted as events", async () => {
    const rows = await logsqlQuery(h.vl.url, `{kubernetes.pod_namespace="${tetragonNamespace}", kubernetes.container_name="tetragon"}`, window);
    expect(rows).toHaveLength(agentLogLines(now).length);
  });
});
