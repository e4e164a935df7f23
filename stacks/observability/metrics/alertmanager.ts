import { discordWebhookFile } from "./names";

/**
 * The Alertmanager configuration, as a typed object (kube-prometheus-stack's `alertmanager.config`
 * renders it into the Secret the operator loads). Every top-level key is set: Helm merges maps
 * with the chart's defaults but replaces lists, so a partial config would silently keep or drop
 * chart defaults. What is here is exactly what Alertmanager runs, and what `amtool` checks in tests.
 */

export interface Route {
  readonly receiver: string;
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly matchers?: readonly string[];
  readonly routes?: readonly Route[];
}

export interface InhibitRule {
  readonly source_matchers?: readonly string[];
  readonly target_matchers: readonly string[];
  readonly equal?: readonly string[];
}

export interface DiscordConfig {
  readonly send_resolved: boolean;
  /** Read by Alertmanager at send time, so the URL never appears in the config Secret. Needs Alertmanager >= 0.28. */
  readonly webhook_url_file?: string;
  /** Only for checking the config with tools older than 0.27 (see tests); never deployed. */
  readonly webhook_url?: string;
}

export interface Receiver {
  readonly name: string;
  readonly discord_configs?: readonly DiscordConfig[];
}

export interface AlertmanagerConfig {
  readonly global: { readonly resolve_timeout: string };
  readonly route: Route;
  readonly inhibit_rules: readonly InhibitRule[];
  readonly receivers: readonly Receiver[];
  readonly templates: readonly string[];
}

export const receiverNames = { discord: "discord", silent: "null" } as const;

/** Alerts that fire all the time by design and must never page. */
export const alwaysFiringAlerts = [
  // Dead man's switch: proves the alerting pipeline works. Route it to an external heartbeat service to use it.
  "Watchdog",
  // Exists only to inhibit `severity=info` alerts; carries no news of its own.
  "InfoInhibitor",
] as const;

export function alertmanagerConfig(): AlertmanagerConfig {
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: receiverNames.discord,
      // One message per alert kind per namespace: a node outage is one message, not one per pod.
      group_by: ["namespace", "alertname"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "12h",
      routes: alwaysFiringAlerts.map((alertname) => ({ receiver: receiverNames.silent, matchers: [`alertname = "${alertname}"`] })),
    },
    // The chart's defaults, kept: a critical alert mutes the warning/info of the same alert and
    // namespace, and InfoInhibitor mutes info alerts.
    inhibit_rules: [
      { source_matchers: ["severity = critical"], target_matchers: ["severity =~ warning|info"], equal: ["namespace", "alertname"] },
      { source_matchers: ["severity = warning"], target_matchers: ["severity = info"], equal: ["namespace", "alertname"] },
      { source_matchers: ["alertname = InfoInhibitor"], target_matchers: ["severity = info"], equal: ["namespace"] },
      { target_matchers: ["alertname = InfoInhibitor"] },
    ],
    receivers: [
      // Lists replace the chart's: the "null" receiver the Watchdog route needs must be listed again.
      { name: receiverNames.silent },
      { name: receiverNames.discord, discord_configs: [{ webhook_url_file: discordWebhookFile, send_resolved: true }] },
    ],
    templates: ["/etc/alertmanager/config/*.tmpl"],
  };
}
