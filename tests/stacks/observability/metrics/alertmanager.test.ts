import type { alertmanagerConfig } from "../../../../stacks/observability/metrics/alertmanager";
import { kubePrometheusStackValues } from "../../../../stacks/observability/metrics/kube-prometheus-stack";
import { discordWebhookFile, secretKeys, secretNames } from "../../../../stacks/observability/metrics/names";
import { charts } from "../../../../versions";
import { amtoolCheckConfig, amtoolRoute, forAmtool025, standInDiscordWebhookUrl } from "../../../helpers/amtool";
import { chartDefaults, chartDirFor } from "../../../helpers/chart-values";
import { at, defaultConfig, timezone, victoriaLogsUrl } from "./fixtures";

const values = kubePrometheusStackValues({
  config: defaultConfig,
  namespace: "monitoring",
  nodeExporterNamespace: "node-exporter",
  timezone,
  victoriaLogsUrl,
});
const deployed = at(values, "alertmanager", "config") as ReturnType<typeof alertmanagerConfig>;
const checked = forAmtool025(deployed);
const kpsDefaults = chartDefaults(chartDirFor(charts.kubePrometheusStack));

describe("Alertmanager config", () => {
  test("amtool check-config accepts it (webhook_url_file swapped for a stand-in URL: amtool 0.25 predates it)", () => {
    const result = amtoolCheckConfig(checked);
    expect(result.output).toContain("SUCCESS");
    expect(result.ok).toBe(true);
  });

  test("without amtool the check fails and says what to install", () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      expect(() => amtoolCheckConfig(checked)).toThrow(/prometheus-alertmanager/);
    } finally {
      process.env.PATH = path;
    }
  });

  test("amtool rejects a broken variant, so the check above can fail", () => {
    const broken = structuredClone(checked) as { route: { receiver: string } };
    broken.route.receiver = "nowhere";
    expect(amtoolCheckConfig(broken).ok).toBe(false);
  });

  test("the stand-in replaced only the webhook file", () => {
    expect(JSON.stringify(checked)).toContain(standInDiscordWebhookUrl);
    expect(JSON.stringify(checked)).not.toContain("webhook_url_file");
    expect(JSON.stringify(deployed)).not.toContain(standInDiscordWebhookUrl);
  });

  test("alerts go to Discord; Watchdog and InfoInhibitor go to the null receiver", () => {
    expect(amtoolRoute(checked, { alertname: "KubePodCrashLooping", namespace: "default", severity: "warning" })).toEqual(["discord"]);
    expect(amtoolRoute(checked, { alertname: "TargetDown", namespace: "monitoring", severity: "critical" })).toEqual(["discord"]);
    expect(amtoolRoute(checked, { alertname: "Watchdog", severity: "none" })).toEqual(["null"]);
    expect(amtoolRoute(checked, { alertname: "InfoInhibitor", severity: "none" })).toEqual(["null"]);
  });

  test("alerts are grouped by namespace and alertname", () => {
    expect(deployed.route.group_by).toEqual(["namespace", "alertname"]);
  });

  test("Discord reads its webhook URL from the mounted Secret, never from the config", () => {
    const discord = deployed.receivers.find((r) => r.name === "discord")?.discord_configs?.[0];
    expect(discord?.webhook_url).toBeUndefined();
    expect(discord?.webhook_url_file).toBe(discordWebhookFile);
    // The operator mounts each alertmanagerSpec.secrets entry at /etc/alertmanager/secrets/<name>/<key>.
    const mounted = (at(values, "alertmanager", "alertmanagerSpec", "secrets") as string[]).map(
      (name) => `/etc/alertmanager/secrets/${name}/`,
    );
    expect(mounted).toContain(`/etc/alertmanager/secrets/${secretNames.discord}/`);
    expect(discord?.webhook_url_file).toBe(`/etc/alertmanager/secrets/${secretNames.discord}/${secretKeys.discordWebhookUrl}`);
  });

  test("the chart's inhibit rules and template path are kept (lists replace the chart's, so they are restated)", () => {
    const chartConfig = at(kpsDefaults, "alertmanager", "config") as { inhibit_rules: unknown[]; templates: string[] };
    expect(deployed.inhibit_rules).toEqual(chartConfig.inhibit_rules);
    expect(deployed.templates).toEqual(chartConfig.templates);
  });

  test("every top-level key of the chart's config is set, so no chart default leaks in by map merge", () => {
    const chartKeys = Object.keys(at(kpsDefaults, "alertmanager", "config") as object).sort();
    expect(Object.keys(deployed).sort()).toEqual(expect.arrayContaining(chartKeys));
    const chartRouteKeys = Object.keys(at(kpsDefaults, "alertmanager", "config", "route") as object);
    expect(Object.keys(deployed.route)).toEqual(expect.arrayContaining(chartRouteKeys));
  });
});
