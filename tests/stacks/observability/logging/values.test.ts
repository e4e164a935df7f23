import { ports } from "../../../../stacks/observability/logging/names";
import { victoriaLogsUrlFor } from "../../../../stacks/observability/public";
import {
  collectorValues,
  defaultCollectorStreamFields,
  freeFormValueKeys,
  victoriaLogsValues,
  type VictoriaLogsConfig,
} from "../../../../stacks/observability/logging/values";
import { charts } from "../../../../versions";
import { chartDefaults, chartDirFor, helmMerge, undeclaredValueKeys } from "../../../helpers/chart-values";
import { stackConfig } from "../../../helpers/stack-config";

const home = stackConfig("home");
const lab = stackConfig("lab");

function serverValues(config = home) {
  return victoriaLogsValues({
    config: config.observability.victoriaLogs,
    storageClass: config.observability.storageClass,
    timezone: config.timezone,
  }) as { server: Record<string, any> };
}

function collector(config: VictoriaLogsConfig = home.observability.victoriaLogs) {
  return collectorValues({ config, victoriaLogsUrl: victoriaLogsUrlFor("logging") }) as Record<string, any>;
}

/** Every `tag` anywhere in a values tree. */
function imageTags(values: unknown): unknown[] {
  if (Array.isArray(values)) return values.flatMap(imageTags);
  if (typeof values !== "object" || values === null) return [];
  return Object.entries(values).flatMap(([key, value]) => (key === "tag" ? [value] : imageTags(value)));
}

describe("victoria-logs-single values", () => {
  test.each([
    ["home", home],
    ["lab", lab],
  ])("%s: retention, disk valve, volume size and resources come from config", (_stack, config) => {
    const vl = config.observability.victoriaLogs;
    const { server } = serverValues(config);
    expect(server.retentionPeriod).toBe(vl.retention);
    expect(server.retentionMaxDiskUsagePercent).toBe(vl.maxDiskUsagePercent);
    expect(server.persistentVolume).toMatchObject({ enabled: true, size: vl.volumeSize });
    expect(server.resources).toEqual(vl.resources);
  });

  test("the two stacks really differ, so the test above compares something", () => {
    expect(serverValues(home).server.retentionPeriod).not.toBe(serverValues(lab).server.retentionPeriod);
    expect(serverValues(home).server.resources).not.toEqual(serverValues(lab).server.resources);
  });

  test("storage class only when configured", () => {
    const vl = home.observability.victoriaLogs;
    const without = victoriaLogsValues({ config: vl, storageClass: undefined, timezone: "UTC" }) as any;
    const withClass = victoriaLogsValues({ config: vl, storageClass: "ceph-block", timezone: "UTC" }) as any;
    expect(without.server.persistentVolume).not.toHaveProperty("storageClassName");
    expect(withClass.server.persistentVolume.storageClassName).toBe("ceph-block");
  });

  test("syslog listens on TCP and UDP 514 through the chart's structured lists", () => {
    const { syslog } = serverValues().server;
    // The requirement, spelled out: network devices send to the standard port.
    expect(syslog.tcp).toEqual([expect.objectContaining({ name: "syslog-tcp", value: ":514" })]);
    expect(syslog.udp).toEqual([expect.objectContaining({ name: "syslog-udp", value: ":514" })]);
  });

  test("the remote IP is recorded only where it is the device's (LoadBalancer, not a Gateway proxy)", () => {
    expect(serverValues(home).server.syslog.tcp[0].useRemoteIP).toBe(false);
    expect(serverValues(lab).server.syslog.udp[0].useRemoteIP).toBe(true);
  });

  test.each([
    ["home", home],
    ["lab", lab],
  ])("%s: RFC3164 timestamps are read in the stack's time zone", (_stack, config) => {
    expect(serverValues(config).server.extraArgs["syslog.timezone"]).toBe(config.timezone);
  });

  test("the non-root pod may bind 514 through the safe sysctl, and meets every restricted requirement", () => {
    const { podSecurityContext, securityContext } = serverValues().server;
    expect(podSecurityContext.sysctls).toEqual([{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }]);
    // Pod Security Standards, restricted: non-root, seccomp, no escalation, all capabilities dropped.
    expect(podSecurityContext).toMatchObject({ enabled: true, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(podSecurityContext.runAsUser).toBeGreaterThan(0);
    expect(securityContext).toMatchObject({ enabled: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(securityContext.capabilities).not.toHaveProperty("add");
  });

  test("the data volume claim outlives the release", () => {
    expect(serverValues().server.statefulSet.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
  });

  test("every key exists in the pinned chart (free-form keys listed with a reason)", () => {
    const defaults = chartDefaults(chartDirFor(charts.victoriaLogsSingle));
    expect(undeclaredValueKeys(serverValues(home), defaults, freeFormValueKeys.victoriaLogs)).toEqual([]);
    expect(undeclaredValueKeys(serverValues(lab), defaults, freeFormValueKeys.victoriaLogs)).toEqual([]);
  });

  test("the free-form list is needed: without it the pass-through keys are reported", () => {
    const defaults = chartDefaults(chartDirFor(charts.victoriaLogsSingle));
    expect(undeclaredValueKeys(serverValues(), defaults)).toEqual(
      expect.arrayContaining(["server.extraArgs.syslog.timezone", "server.podSecurityContext.sysctls"]),
    );
  });

  test("no image tag is set, so the chart's pinned appVersion is used (never latest)", () => {
    expect(imageTags(serverValues())).toEqual([]);
  });
});

describe("victoria-logs-collector values", () => {
  test("ships to the VictoriaLogs service in the logs namespace", () => {
    expect(collector().remoteWrite).toEqual([{ url: `http://vls-victoria-logs-single-server.logging.svc.cluster.local:${ports.victoriaLogsHttp}` }]);
  });

  test("resources come from config", () => {
    const config = { ...home.observability.victoriaLogs, collectorResources: { requests: { cpu: "25m", memory: "48Mi" }, limits: { memory: "96Mi" } } };
    expect(collector(config).resources).toEqual(config.collectorResources);
    expect(collector().resources).toEqual(home.observability.victoriaLogs.collectorResources);
  });

  test("nothing is excluded, so Tetragon's export-stdout container in the security namespace is collected", () => {
    const values = collector();
    // Issue 9 item 6: no `excludeFilter: ""` restating the chart's default (an empty value renders no flag).
    expect(values.collector).not.toHaveProperty("excludeFilter");
    const defaults = chartDefaults(chartDirFor(charts.victoriaLogsCollector));
    expect((helmMerge(defaults, values) as { collector: { excludeFilter: string } }).collector.excludeFilter).toBe("");
    const collectorSettings = JSON.stringify(values.collector);
    expect(collectorSettings).not.toContain("export-stdout");
    expect(collectorSettings).not.toContain(home.security.namespace);
    expect(values.collector).not.toHaveProperty("ignoreFields");
    expect(values).not.toHaveProperty("fileCollector");
  });

  test("stream fields are the defaults plus the configured extras", () => {
    expect(collector().collector.streamFields).toEqual([...defaultCollectorStreamFields]);
    const extra = { ...home.observability.victoriaLogs, extraStreamFields: ["kubernetes.pod_labels.app.kubernetes.io/name"] };
    expect(collector(extra).collector.streamFields).toEqual([...defaultCollectorStreamFields, "kubernetes.pod_labels.app.kubernetes.io/name"]);
  });

  test("the defaults equal the chart's, so adding extras never drops one", () => {
    const defaults = chartDefaults(chartDirFor(charts.victoriaLogsCollector)) as { collector: { streamFields: string[] } };
    expect([...defaultCollectorStreamFields]).toEqual(defaults.collector.streamFields);
  });

  test("Tetragon's JSON `time` field is among the time fields the chart parses", () => {
    const defaults = chartDefaults(chartDirFor(charts.victoriaLogsCollector)) as { collector: { timeField: string[] } };
    expect(collector().collector).not.toHaveProperty("timeField");
    expect(defaults.collector.timeField).toContain("time");
  });

  test("runs without capabilities or writable root filesystem, and on control-plane nodes", () => {
    const values = collector();
    expect(values.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(values.tolerations).toContainEqual(expect.objectContaining({ key: "node-role.kubernetes.io/control-plane", operator: "Exists" }));
  });

  test("every key exists in the pinned chart (free-form keys listed with a reason)", () => {
    const defaults = chartDefaults(chartDirFor(charts.victoriaLogsCollector));
    expect(undeclaredValueKeys(collector(), defaults, freeFormValueKeys.collector)).toEqual([]);
    expect(undeclaredValueKeys(collector(), defaults)).toEqual(expect.arrayContaining(["podSecurityContext.seccompProfile"]));
  });

  test("no image tag is set (the chart pins vlagent to its appVersion)", () => {
    expect(imageTags(collector())).toEqual([]);
  });
});
