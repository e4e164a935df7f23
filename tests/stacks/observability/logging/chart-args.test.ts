import { mergeChartValues, victoriaLogsArgs } from "../../../../stacks/observability/logging/chart-args";
import { victoriaLogsValues } from "../../../../stacks/observability/logging/values";
import { charts } from "../../../../versions";
import { chartDefaults, chartDirFor } from "../../../helpers/chart-values";
import { stackConfig } from "../../../helpers/stack-config";

/**
 * The transcription of victoria-logs-single's `vlogs.args` (chart-args.ts) against the pinned
 * chart's defaults. The live suite starts the real server with these flags; here the rendering
 * rules themselves are pinned down, including the ones our values do not use today.
 */

const defaults = () => chartDefaults(chartDirFor(charts.victoriaLogsSingle));
const render = (server: Record<string, unknown>) => victoriaLogsArgs(mergeChartValues(defaults(), { server }));

describe("victoriaLogsArgs (victoria-logs-single 0.13.9 vlogs.args)", () => {
  test("home stack: chart defaults merged with our values, keys sorted, one flag per value", () => {
    const config = stackConfig("home");
    const values = victoriaLogsValues({ config: config.observability.victoriaLogs, storageClass: config.observability.storageClass, timezone: config.timezone });
    expect(victoriaLogsArgs(mergeChartValues(defaults(), values))).toEqual([
      "--envflag.enable",
      "--envflag.prefix=VM_",
      "--http.shutdownDelay=15s",
      "--httpListenAddr=:9428",
      "--loggerFormat=json",
      `--retention.maxDiskUsagePercent=${config.observability.victoriaLogs.maxDiskUsagePercent}`,
      `--retentionPeriod=${config.observability.victoriaLogs.retention}`,
      "--storageDataPath=/storage",
      "--syslog.listenAddr.tcp=:514",
      "--syslog.listenAddr.udp=:514",
      `--syslog.timezone=${config.timezone}`,
    ]);
  });

  test("per-listener booleans are positional: true renders, false fills the gap of a second listener", () => {
    const args = render({
      retentionPeriod: "7d",
      syslog: { tcp: [{ name: "a", value: ":514", useRemoteIP: true }, { name: "b", value: ":1514", useRemoteIP: false }], udp: [] },
    });
    expect(args.filter((a) => a.startsWith("--syslog."))).toEqual([
      "--syslog.listenAddr.tcp=:514",
      "--syslog.listenAddr.tcp=:1514",
      "--syslog.useRemoteIP.tcp",
      "--syslog.useRemoteIP.tcp=false",
    ]);
  });

  test("a false boolean alone vanishes; tls keys are shared between protocols", () => {
    const args = render({ retentionPeriod: "7d", syslog: { tcp: [{ value: ":514", useRemoteIP: false, tlsCertFile: "/c" }], udp: [] } });
    expect(args.filter((a) => a.startsWith("--syslog."))).toEqual(["--syslog.listenAddr.tcp=:514", "--syslog.tlsCertFile=/c"]);
  });

  test("addresses in extraArgs replace the listener lists", () => {
    const args = render({
      retentionPeriod: "7d",
      extraArgs: { httpListenAddr: ":8080", "syslog.listenAddr.udp": ":5514" },
      syslog: { tcp: [{ value: ":514" }], udp: [] },
    });
    expect(args).toContain("--httpListenAddr=:8080");
    expect(args).toContain("--syslog.listenAddr.udp=:5514");
    expect(args.some((a) => a.startsWith("--syslog.listenAddr.tcp"))).toBe(false);
  });

  test("disk space retention: a whole number means GiB, a string passes through", () => {
    expect(render({ retentionPeriod: "", retentionDiskSpaceUsage: 10 })).toContain("--retention.maxDiskSpaceUsageBytes=10GiB");
    expect(render({ retentionPeriod: "", retentionDiskSpaceUsage: "1TB" })).toContain("--retention.maxDiskSpaceUsageBytes=1TB");
  });

  test("no retention at all fails like the chart", () => {
    expect(() => render({ retentionPeriod: "" })).toThrow(/retentionPeriod/);
  });

  test("Helm merge: maps merge, lists and scalars replace, null deletes", () => {
    expect(mergeChartValues({ a: { x: 1, y: 2 }, l: [1, 2], s: "d" }, { a: { y: 3, x: null }, l: [9], s: "o" })).toEqual({ a: { y: 3 }, l: [9], s: "o" });
  });
});
