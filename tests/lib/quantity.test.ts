import { binarySizeToMiB, cpuToMillis, isPrometheusDuration, memoryToMiB, retentionToHours, strictCpuToMillis } from "../../lib/quantity";

describe("lib/quantity", () => {
  it("reads CPU in millicores, tolerating surrounding spaces only in the lenient reader", () => {
    expect(cpuToMillis("250m")).toBe(250);
    expect(cpuToMillis(" 1.5 ")).toBe(1500);
    expect(strictCpuToMillis(" 1.5 ")).toBeUndefined();
    expect(strictCpuToMillis("2")).toBe(2000);
    expect(cpuToMillis("2 cores")).toBeUndefined();
  });

  it("reads memory in MiB with binary and decimal suffixes; config sizes take binary only", () => {
    expect(memoryToMiB("512Mi")).toBe(512);
    expect(memoryToMiB("1G")).toBeCloseTo(953.674, 3);
    expect(memoryToMiB("1048576")).toBe(1);
    expect(binarySizeToMiB("2Gi")).toBe(2048);
    expect(binarySizeToMiB("1G")).toBeUndefined();
    expect(binarySizeToMiB("1024")).toBeUndefined();
  });

  it("reads one-unit retentions in hours and checks Prometheus durations", () => {
    expect(retentionToHours("14d")).toBe(336);
    expect(retentionToHours("90m")).toBe(1.5);
    expect(retentionToHours("1h30m")).toBeUndefined();
    expect(isPrometheusDuration("1h30m")).toBe(true);
    expect(isPrometheusDuration("0")).toBe(true);
    expect(isPrometheusDuration("")).toBe(false);
    expect(isPrometheusDuration("30m1h")).toBe(false);
  });
});
