import { alertmanagerConfigName, secretKeys, secretNames } from "./names";

/**
 * Alert routing, delivered as the operator's own CRD. prometheus-operator (v0.93) parses a raw
 * Alertmanager config strictly with its own structs (pkg/alertmanager/types.go), which know no
 * Discord `webhook_url_file`; a config using it is rejected whole and, on a fresh install, no
 * Alertmanager pod is ever created. So the route is an AlertmanagerConfig whose Discord receiver
 * names the webhook Secret (`apiURL`); the operator reads the Secret and writes the URL into the
 * generated config Secret it mounts. The URL is never in Helm values, the release record or the
 * plan, only in Kubernetes Secrets.
 *
 * It is the *global* config (`alertmanagerSpec.alertmanagerConfiguration.name`), not one picked up
 * by `alertmanagerConfigSelector`: the operator adds a `namespace="<its namespace>"` matcher to the
 * routes of selected AlertmanagerConfigs (matcher strategy OnNamespace, the default), so a selected
 * config would only ever see the monitoring namespace's alerts. The global one is converted as is
 * and skipped by the selector (operator.go selectAlertmanagerConfigs, amcfg.go
 * initializeFromAlertmanagerConfig).
 */

export const receiverNames = { discord: "discord", silent: "null" } as const;

/** Alerts that fire all the time by design and must never page. */
export const alwaysFiringAlerts = [
  // Dead man's switch: proves the alerting pipeline works. Route it to an external heartbeat service to use it.
  "Watchdog",
  // Exists only to inhibit `severity=info` alerts; carries no news of its own.
  "InfoInhibitor",
] as const;

/** One label matcher in the CRD's form; the operator renders it as `name<op>"value"`. */
export interface Matcher {
  readonly name: string;
  readonly value: string;
  readonly matchType: "=" | "!=" | "=~" | "!~";
}

export interface Route {
  readonly receiver: string;
  readonly groupBy?: readonly string[];
  readonly groupWait?: string;
  readonly groupInterval?: string;
  readonly repeatInterval?: string;
  readonly matchers?: readonly Matcher[];
  readonly routes?: readonly Route[];
}

export interface DiscordConfig {
  /** The Secret key holding the webhook URL, in the AlertmanagerConfig's namespace. */
  readonly apiURL: { readonly name: string; readonly key: string };
  readonly sendResolved: boolean;
}

export interface Receiver {
  readonly name: string;
  readonly discordConfigs?: readonly DiscordConfig[];
}

export interface InhibitRule {
  readonly sourceMatch?: readonly Matcher[];
  readonly targetMatch: readonly Matcher[];
  readonly equal?: readonly string[];
}

export interface AlertmanagerConfigSpec {
  readonly route: Route;
  readonly receivers: readonly Receiver[];
  readonly inhibitRules: readonly InhibitRule[];
}

export interface AlertmanagerConfigObject {
  readonly apiVersion: "monitoring.coreos.com/v1alpha1";
  readonly kind: "AlertmanagerConfig";
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: AlertmanagerConfigSpec;
}

/** How long Alertmanager waits before resolving an alert that carries no end time. */
export const resolveTimeout = "5m";

const eq = (name: string, value: string): Matcher => ({ name, value, matchType: "=" });

/** One message per alert kind per namespace: a node outage is one message, not one per pod. */
const grouping = { groupBy: ["namespace", "alertname"], groupWait: "30s", groupInterval: "5m", repeatInterval: "12h" } as const;

export function alertmanagerConfigSpec(): AlertmanagerConfigSpec {
  return {
    route: {
      receiver: receiverNames.discord,
      ...grouping,
      routes: alwaysFiringAlerts.map((alertname) => ({ receiver: receiverNames.silent, matchers: [eq("alertname", alertname)] })),
    },
    receivers: [
      { name: receiverNames.silent },
      {
        name: receiverNames.discord,
        discordConfigs: [{ apiURL: { name: secretNames.discord, key: secretKeys.discordWebhookUrl }, sendResolved: true }],
      },
    ],
    // kube-prometheus-stack's default inhibit rules, in the CRD's form: a critical alert mutes the
    // warning/info of the same alert and namespace, and InfoInhibitor mutes info alerts. The global
    // config's rules get no namespace matcher either.
    inhibitRules: [
      { sourceMatch: [eq("severity", "critical")], targetMatch: [{ name: "severity", value: "warning|info", matchType: "=~" }], equal: ["namespace", "alertname"] },
      { sourceMatch: [eq("severity", "warning")], targetMatch: [eq("severity", "info")], equal: ["namespace", "alertname"] },
      { sourceMatch: [eq("alertname", "InfoInhibitor")], targetMatch: [eq("severity", "info")], equal: ["namespace"] },
      { targetMatch: [eq("alertname", "InfoInhibitor")] },
    ],
  };
}

/** The AlertmanagerConfig object, in the Alertmanager's namespace (where the webhook Secret is too). */
export function alertmanagerConfigObject(namespace: string): AlertmanagerConfigObject {
  return {
    apiVersion: "monitoring.coreos.com/v1alpha1",
    kind: "AlertmanagerConfig",
    metadata: { name: alertmanagerConfigName, namespace },
    spec: alertmanagerConfigSpec(),
  };
}

/** `alertmanagerSpec.alertmanagerConfiguration`: the global AlertmanagerConfig, and the global settings it cannot hold. */
export function alertmanagerConfiguration(): { name: string; global: { resolveTimeout: string } } {
  return { name: alertmanagerConfigName, global: { resolveTimeout } };
}

/**
 * `alertmanager.config` for the chart. The chart always renders it into the Secret
 * `alertmanager-<name>`, but while `alertmanagerConfiguration` is set the operator never reads that
 * Secret (operator.go provisionAlertmanagerConfiguration). It is kept to keys the operator parses,
 * and to the operator's own fallback (everything to "null"), so the Secret cannot fail a strict
 * parse, and a leftover Discord route cannot mislead a reader. Every key the chart's default sets
 * is set here, since Helm merges maps: a missing one would bring the chart's value back.
 */
export interface ChartAlertmanagerConfig {
  readonly global: { readonly resolve_timeout: string };
  readonly route: {
    readonly receiver: string;
    readonly group_by: readonly string[];
    readonly group_wait: string;
    readonly group_interval: string;
    readonly repeat_interval: string;
    readonly routes: readonly unknown[];
  };
  readonly inhibit_rules: readonly unknown[];
  readonly receivers: readonly { readonly name: string }[];
  readonly templates: readonly string[];
}

export function chartAlertmanagerConfig(): ChartAlertmanagerConfig {
  return {
    global: { resolve_timeout: resolveTimeout },
    route: {
      receiver: receiverNames.silent,
      group_by: [...grouping.groupBy],
      group_wait: grouping.groupWait,
      group_interval: grouping.groupInterval,
      repeat_interval: grouping.repeatInterval,
      routes: [],
    },
    inhibit_rules: [],
    receivers: [{ name: receiverNames.silent }],
    templates: [],
  };
}
