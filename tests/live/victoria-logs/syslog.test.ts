import { spawnSync } from "node:child_process";
import { stackConfig } from "../../workflows/workflow-files";
import { logsqlQuery } from "../../../tools/local/victoria-logs";
import { eventually, startHarness, type VictoriaLogsHarness } from "./harness";

/**
 * VictoriaLogs (the pinned build) receives syslog from network devices the way they send it:
 * util-linux `logger` plays a UniFi UDM Pro (BSD syslog, RFC 3164) and a Synology NAS (RFC 5424),
 * over UDP and TCP, each under its own hostname (a UTS namespace, so the message carries the
 * device's name as a real device's would) and with its clock in the configured zone. RFC 3164
 * timestamps carry no zone: only `-syslog.timezone`, rendered from `home-platform:timezone`, places
 * them right.
 */

const timezone: string = stackConfig("home")["home-platform:timezone"];

let h: VictoriaLogsHarness;
beforeAll(async () => {
  h = await startHarness("syslog");
});
afterAll(async () => {
  await h?.stop();
});

interface Device {
  readonly hostname: string;
  readonly transport: "udp" | "tcp";
  readonly format: "rfc3164" | "rfc5424";
  readonly appName: string;
  readonly priority: string;
  /** RFC 6587 octet counting instead of newline framing (TCP only). */
  readonly octetCount?: boolean;
}

/** Sends one message with `logger`, as `device` would, with the device's clock in `tz`; returns when logger exits. */
function send(device: Device, message: string, tz: string): void {
  const loggerArgs = [
    "-n", "127.0.0.1", "-P", String(h.vl.syslogPort),
    device.transport === "udp" ? "--udp" : "--tcp",
    `--${device.format}`,
    "-t", device.appName,
    "-p", device.priority,
    ...(device.octetCount ? ["--octet-count"] : []),
    message,
  ];
  const run = spawnSync("unshare", ["--uts", "--", "sh", "-c", 'hostname "$1" && shift && exec logger "$@"', "sh", device.hostname, ...loggerArgs], {
    env: { ...process.env, TZ: tz },
    encoding: "utf8",
    timeout: 10_000,
  });
  if (run.status !== 0) throw new Error(`logger as ${device.hostname} failed (exit ${run.status}): ${(run.stderr || run.error?.message || "").trim()}`);
}

async function stored(marker: string): Promise<Record<string, string>> {
  let rows: Record<string, string>[] = [];
  await eventually(`the message ${marker}`, async () => {
    rows = await logsqlQuery(h.vl.url, `"${marker}"`);
    return rows.length > 0;
  });
  expect(rows).toHaveLength(1);
  return rows[0];
}

/** Milliseconds `zone` is ahead of UTC at `at` (negative west of Greenwich). */
function zoneOffsetMs(zone: string, at: Date): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

const udmPro = { hostname: "UDM-Pro", format: "rfc3164", appName: "hostapd", priority: "daemon.info" } as const;
const synology = { hostname: "DiskStation", format: "rfc5424", appName: "WinFileService", priority: "local0.notice" } as const;

const cases: [string, Device][] = [
  ["UDM Pro, RFC 3164 over UDP", { ...udmPro, transport: "udp" }],
  ["UDM Pro, RFC 3164 over TCP", { ...udmPro, transport: "tcp" }],
  ["Synology, RFC 5424 over UDP", { ...synology, transport: "udp" }],
  ["Synology, RFC 5424 over TCP with octet counting", { ...synology, transport: "tcp", octetCount: true }],
];

describe("VictoriaLogs syslog (pinned build, chart flags from our values)", () => {
  test("the chart's flags carry the configured zone and both listeners; only addresses and the data path differ locally", () => {
    expect(h.vl.chartArgs).toContain(`--syslog.timezone=${timezone}`);
    expect(h.vl.chartArgs).toEqual(expect.arrayContaining(["--syslog.listenAddr.tcp=:514", "--syslog.listenAddr.udp=:514", "--storageDataPath=/storage"]));
    const changed = h.vl.args.filter((arg, i) => arg !== h.vl.chartArgs[i]).map((arg) => arg.split("=")[0]);
    expect(changed.sort()).toEqual(["--httpListenAddr", "--storageDataPath", "--syslog.listenAddr.tcp", "--syslog.listenAddr.udp"]);
  });

  test.each(cases)("%s: stored with hostname, app name, format and the device's local time as UTC", async (_name, device) => {
    const marker = `m-${device.hostname}-${device.transport}-${device.format}-${Date.now()}`;
    const before = Date.now();
    send(device, `${marker} client associated`, timezone);
    const after = Date.now();
    const row = await stored(marker);
    expect(row).toMatchObject({ hostname: device.hostname, app_name: device.appName, format: device.format });
    // RFC 3164 timestamps have whole seconds and no zone; a wrong zone would be hours off.
    const at = Date.parse(row._time);
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(at).toBeLessThanOrEqual(after + 1000);
  });

  test("an RFC 3164 clock on UTC is read in the configured zone (the flag is what places 3164 timestamps)", async () => {
    const marker = `utc-clock-${Date.now()}`;
    const sent = new Date();
    send({ ...udmPro, transport: "udp" }, marker, "UTC");
    const row = await stored(marker);
    // The UTC wall time is taken as wall time in `timezone`, so it lands shifted by the zone's offset.
    const expected = Math.floor(sent.getTime() / 1000) * 1000 - zoneOffsetMs(timezone, sent);
    expect(Math.abs(Date.parse(row._time) - expected)).toBeLessThanOrEqual(2000);
    expect(zoneOffsetMs(timezone, sent)).not.toBe(0);
  });

  test("the stream is per device and app (hostname and app_name are stream fields)", async () => {
    const rows = await logsqlQuery(h.vl.url, `{hostname="UDM-Pro", app_name="hostapd"} | stats count() as n`);
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(3);
  });
});
