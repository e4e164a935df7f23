import { observabilitySchema } from "../../../config/schema/observability";

/** The `victoriaLogs` keys of home-platform:observability (the rest of the section is defaulted). */
function parse(victoriaLogs: Record<string, unknown>) {
  return observabilitySchema.safeParse({ victoriaLogs: { syslog: { type: "loadBalancer", address: "192.168.36.15" }, ...victoriaLogs } });
}

function messages(victoriaLogs: Record<string, unknown>): string[] {
  const result = parse(victoriaLogs);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("victoriaLogs config", () => {
  test("defaults: 14d retention, 80% disk valve, no extra stream fields, collector namespace derived later", () => {
    const result = parse({});
    expect(result.success).toBe(true);
    const vl = result.data!.victoriaLogs;
    expect(vl).toMatchObject({ retention: "14d", maxDiskUsagePercent: 80, extraStreamFields: [] });
    expect(vl.collectorNamespace).toBeUndefined();
  });

  test.each(["12h", "90m", "3600s"])("retention %s is refused: VictoriaLogs keeps at least a day", (retention) => {
    expect(messages({ retention })).toEqual(["victoriaLogs.retention: must be at least 24h; VictoriaLogs keeps at least one day"]);
  });

  test.each(["24h", "1d", "2w", "1y"])("retention %s is accepted", (retention) => {
    expect(messages({ retention })).toEqual([]);
  });

  test("a disk valve above 85% is refused, since the disk alert fires at 90%", () => {
    expect(messages({ maxDiskUsagePercent: 90 })).toEqual([
      "victoriaLogs.maxDiskUsagePercent: must be at most 85: the VictoriaLogsDiskNearlyFull alert fires at 90",
    ]);
    expect(messages({ maxDiskUsagePercent: 85 })).toEqual([]);
  });

  test("extra stream fields must be field names", () => {
    expect(messages({ extraStreamFields: ["kubernetes.pod_labels.app.kubernetes.io/name"] })).toEqual([]);
    expect(messages({ extraStreamFields: ["bad field"] })).toHaveLength(1);
  });

  test("LoadBalancer source networks default to none and must be CIDRs", () => {
    const result = parse({});
    expect(result.data?.victoriaLogs.syslog).toMatchObject({ sourceCidrs: [] });
    expect(messages({ syslog: { type: "loadBalancer", address: "192.168.36.15", sourceCidrs: ["10.0.0.1"] } })).toHaveLength(1);
  });

  test("a Gateway's proxy namespace is optional; routes default to v1", () => {
    const gateway = { type: "gateway", gatewayName: "internal", gatewayNamespace: "network", address: "192.168.35.15" };
    const result = parse({ syslog: gateway });
    expect(result.data?.victoriaLogs.syslog).toMatchObject({ routeApiVersion: "v1", tcpListener: "syslog-tcp", udpListener: "syslog-udp" });
    expect(messages({ syslog: { ...gateway, proxyNamespace: "envoy-gateway-system" } })).toEqual([]);
    expect(messages({ syslog: { ...gateway, sourceCidrs: [] } })).toHaveLength(1);
  });
});
