import * as dgram from "node:dgram";
import * as net from "node:net";

/**
 * A steady syslog stream for the VictoriaLogs memory bench, shaped like our devices' traffic: half
 * RFC 3164 over UDP (a UniFi gateway's firewall and DHCP lines), half RFC 5424 over TCP with octet
 * counting (a NAS), from a handful of hostnames and app names, as `logger` formats them. Bounded by
 * `durationMs`; sends to 127.0.0.1 only.
 */

const hosts3164 = ["UDM-Pro", "USW-Pro-24", "U6-LR-Office"];
const apps3164 = ["kernel", "dnsmasq-dhcp", "hostapd", "mcad"];
const hosts5424 = ["DiskStation", "DS920"];
const apps5424 = ["WinFileService", "synoscgi", "sshd", "Connection"];

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Dec  3 07:30:15" in UTC (the bench only counts rows, the zone does not matter here). */
function bsdTime(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${months[at.getUTCMonth()]} ${String(at.getUTCDate()).padStart(2, " ")} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
}

export function rfc3164(seq: number, at: Date): string {
  const host = hosts3164[seq % hosts3164.length];
  const app = apps3164[seq % apps3164.length];
  // <30> = daemon.info, as logger -p daemon.info.
  return `<30>${bsdTime(at)} ${host} ${app}[${1000 + (seq % 50)}]: [WAN_LOCAL-default-D] IN=eth8 OUT= MAC=aa:bb SRC=198.51.100.${seq % 250} DST=203.0.113.7 LEN=60 PROTO=TCP SPT=${40000 + (seq % 20000)} DPT=22 seq=${seq}`;
}

export function rfc5424(seq: number, at: Date): string {
  const host = hosts5424[seq % hosts5424.length];
  const app = apps5424[seq % apps5424.length];
  // <133> = local0.notice; logger adds the timeQuality element.
  return `<133>1 ${at.toISOString()} ${host} ${app} - - [timeQuality tzKnown="1" isSynced="1"] User [admin] from [192.0.2.${seq % 250}] via [SMB] accessed shared folder [media] seq=${seq}`;
}

export interface LoadResult {
  readonly sent: number;
  readonly seconds: number;
}

/** Sends `perSecond` messages a second for `durationMs`, in 20 ticks a second. */
export async function sendSyslogLoad(port: number, perSecond: number, durationMs: number): Promise<LoadResult> {
  const udp = dgram.createSocket("udp4");
  const tcp = net.connect({ host: "127.0.0.1", port });
  await new Promise<void>((resolve, reject) => {
    tcp.once("connect", resolve);
    tcp.once("error", reject);
  });
  const ticksPerSecond = 20;
  const started = Date.now();
  let sent = 0;
  let tick = 0;
  while (Date.now() - started < durationMs) {
    tick++;
    // Messages due by the end of this tick, so the rate holds even when a tick runs late.
    const due = Math.min(Math.round((tick / ticksPerSecond) * perSecond), Math.round((durationMs / 1000) * perSecond));
    const at = new Date();
    for (; sent < due; sent++) {
      if (sent % 2 === 0) udp.send(rfc3164(sent, at), port, "127.0.0.1");
      else {
        const message = rfc5424(sent, at);
        tcp.write(`${Buffer.byteLength(message)} ${message}`);
      }
    }
    const nextTick = started + (tick * 1000) / ticksPerSecond;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextTick - Date.now())));
  }
  await new Promise<void>((resolve) => tcp.end(resolve));
  await new Promise<void>((resolve) => udp.close(() => resolve()));
  return { sent, seconds: (Date.now() - started) / 1000 };
}
