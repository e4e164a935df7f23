import {
  alertmanagerConfigObject,
  alertmanagerConfiguration,
  alwaysFiringAlerts,
  type ChartAlertmanagerConfig,
} from "../../../../stacks/observability/metrics/alertmanager";
import { kubePrometheusStackValues } from "../../../../stacks/observability/metrics/kube-prometheus-stack";
import { alertmanagerConfigName, secretKeys, secretNames } from "../../../../stacks/observability/metrics/names";
import { charts } from "../../../../versions";
import { generatedConfig, operatorRejections, unknownOperatorKeys } from "../../../helpers/alertmanager-operator";
import { amtoolCheckConfig, amtoolRoute, standInDiscordWebhookUrl } from "../../../helpers/amtool";
import { chartDefaults, chartDirFor, helmMerge } from "../../../helpers/chart-values";
import { crdErrors } from "../../../helpers/crd-schema";
import { at, defaultConfig, timezone, victoriaLogsUrl } from "./fixtures";

/**
 * Issue 9 item 2: prometheus-operator v0.93 parses Alertmanager configuration with its own structs
 * (pkg/alertmanager/types.go; no Discord `webhook_url_file`) and rejects a config with any unknown
 * key, so no Alertmanager ever ran. These tests hold the chart's config Secret and the global
 * AlertmanagerConfig to the operator's field set, CRD schema and checks (tests/helpers/alertmanager-operator.ts).
 */

const crds = "prometheus-operator-v0.93.1";
const namespace = "monitoring";
const values = kubePrometheusStackValues({ config: defaultConfig, namespace, nodeExporterNamespace: "node-exporter", timezone, victoriaLogsUrl });
const kpsDefaults = chartDefaults(chartDirFor(charts.kubePrometheusStack));
/** What the chart renders into the Secret `alertmanager-kps-alertmanager`: its default config merged with ours. */
const chartConfig = helmMerge(at(kpsDefaults, "alertmanager", "config"), at(values, "alertmanager", "config")) as ChartAlertmanagerConfig;
const amc = alertmanagerConfigObject(namespace);
const global = alertmanagerConfiguration().global;
/** The config the operator writes for Alertmanager, with a stand-in in the webhook Secret. */
const generated = generatedConfig(amc, global, { [`${secretNames.discord}/${secretKeys.discordWebhookUrl}`]: standInDiscordWebhookUrl });
const receiver = (name: string) => `${namespace}/${alertmanagerConfigName}/${name}`;

describe("the chart's Alertmanager config Secret", () => {
  test("uses only keys the operator's structs know (it parses with UnmarshalStrict)", () => {
    expect(unknownOperatorKeys(chartConfig)).toEqual([]);
  });

  test("the walk flags Discord's webhook_url_file, which the operator's discordConfig lacks, so the check above can fail", () => {
    const old = { receivers: [{ name: "discord", discord_configs: [{ webhook_url_file: "/etc/alertmanager/secrets/x/y", send_resolved: true }] }] };
    expect(unknownOperatorKeys(old)).toEqual(["receivers[0].discord_configs[0].webhook_url_file"]);
    expect(unknownOperatorKeys({ receivers: [{ name: "x", slack_configs: [{}] }] })).toEqual(["receivers[0].slack_configs[0] (slackConfig: not modelled)"]);
  });

  test("amtool check-config accepts it", () => {
    const result = amtoolCheckConfig(chartConfig);
    expect(result.output).toContain("SUCCESS");
    expect(result.ok).toBe(true);
  });

  test("without amtool the check fails and says what to install", () => {
    const { PATH: path, AMTOOL: amtool } = process.env;
    process.env.PATH = "/nonexistent";
    delete process.env.AMTOOL;
    try {
      expect(() => amtoolCheckConfig(chartConfig)).toThrow(/AMTOOL.*tools\/toolchain\/install\.sh alertmanager.*prometheus-alertmanager/);
    } finally {
      process.env.PATH = path;
      if (amtool !== undefined) process.env.AMTOOL = amtool;
    }
  });

  test("sets every key of the chart's default, so none of the chart's routes or receivers leak in by map merge", () => {
    const ours = at(values, "alertmanager", "config") as Record<string, unknown>;
    expect(Object.keys(ours)).toEqual(expect.arrayContaining(Object.keys(at(kpsDefaults, "alertmanager", "config") as object)));
    expect(Object.keys(ours.route as object)).toEqual(expect.arrayContaining(Object.keys(at(kpsDefaults, "alertmanager", "config", "route") as object)));
    expect(chartConfig.receivers).toEqual([{ name: "null" }]);
  });
});

describe("the global AlertmanagerConfig", () => {
  test("is valid under the v0.93.1 CRD schema, child routes included (the operator decodes those strictly)", () => {
    expect(crdErrors(amc, `${crds}/crd-alertmanagerconfigs.yaml`)).toEqual([]);
    // The schema leaves `routes` items open; the operator decodes them into Route with DisallowUnknownFields.
    const children = (route: { routes?: readonly unknown[] }): unknown[] => (route.routes ?? []).flatMap((child) => [child, ...children(child as never)]);
    const asRoot = (child: unknown) => ({ ...amc, spec: { ...amc.spec, route: child } });
    expect(children(amc.spec.route).length).toBe(alwaysFiringAlerts.length);
    for (const child of children(amc.spec.route)) expect(crdErrors(asRoot(child), `${crds}/crd-alertmanagerconfigs.yaml`)).toEqual([]);
    expect(crdErrors(asRoot({ receiver: "null", matcher: [] }), `${crds}/crd-alertmanagerconfigs.yaml`)).toContain("/spec/route: must NOT have additional properties (matcher)");
  });

  test("passes the operator's own checks (unique receivers, known receivers, bare root route)", () => {
    expect(operatorRejections(amc)).toEqual([]);
    const broken = { ...amc, spec: { ...amc.spec, route: { ...amc.spec.route, receiver: "nowhere" } } };
    expect(operatorRejections(broken)).toEqual(['route: receiver "nowhere" not found']);
  });

  test("is the Alertmanager's global config (no namespace matcher), a setting the Alertmanager CRD accepts", () => {
    const configuration = at(values, "alertmanager", "alertmanagerSpec", "alertmanagerConfiguration");
    expect(configuration).toEqual({ name: amc.metadata.name, global: { resolveTimeout: "5m" } });
    const alertmanager = { apiVersion: "monitoring.coreos.com/v1", kind: "Alertmanager", metadata: { name: "kps-alertmanager" }, spec: { alertmanagerConfiguration: configuration } };
    expect(crdErrors(alertmanager, `${crds}/crd-alertmanagers.yaml`)).toEqual([]);
    // Nothing else selects it with a namespace matcher, and no webhook file is mounted any more.
    expect(at(values, "alertmanager", "alertmanagerSpec", "alertmanagerConfigMatcherStrategy")).toBeUndefined();
    expect(at(values, "alertmanager", "alertmanagerSpec", "secrets")).toBeUndefined();
  });

  test("reads the webhook URL from the Secret the stack creates, never from a literal", () => {
    const discord = amc.spec.receivers.find((r) => r.name === "discord")?.discordConfigs;
    expect(discord).toEqual([{ apiURL: { name: secretNames.discord, key: secretKeys.discordWebhookUrl }, sendResolved: true }]);
    expect(JSON.stringify(values)).not.toMatch(/webhook|discord\.com/);
  });
});

describe("the config the operator generates from it", () => {
  test("uses only keys the operator's structs know, and amtool accepts it", () => {
    expect(unknownOperatorKeys(generated)).toEqual([]);
    const result = amtoolCheckConfig(generated);
    expect([result.ok, result.output]).toEqual([true, expect.stringContaining("SUCCESS")]);
  });

  test("alerts from every namespace go to Discord; Watchdog and InfoInhibitor go to the null receiver", () => {
    for (const ns of ["default", "monitoring", "security", "kube-system"]) {
      expect(amtoolRoute(generated, { alertname: "KubePodCrashLooping", namespace: ns, severity: "warning" })).toEqual([receiver("discord")]);
    }
    expect(amtoolRoute(generated, { alertname: "TargetDown", severity: "critical" })).toEqual([receiver("discord")]);
    expect(amtoolRoute(generated, { alertname: "Watchdog", severity: "none" })).toEqual([receiver("null")]);
    expect(amtoolRoute(generated, { alertname: "InfoInhibitor", severity: "none" })).toEqual([receiver("null")]);
  });

  test("groups by namespace and alertname, as before", () => {
    expect(generated.route).toMatchObject({ group_by: ["namespace", "alertname"], group_wait: "30s", group_interval: "5m", repeat_interval: "12h" });
    expect(generated.global).toEqual({ resolve_timeout: "5m" });
  });

  test("keeps the chart's inhibit rules", () => {
    const normal = (rules: unknown) => JSON.stringify(rules).replace(/\\"|\s/g, "");
    expect(normal(generated.inhibit_rules)).toBe(normal(at(kpsDefaults, "alertmanager", "config", "inhibit_rules")));
  });
});
