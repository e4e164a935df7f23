import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as YAML from "yaml";
import { type RunningAlertmanager, type WebhookReceiver, startAlertmanager, startWebhookReceiver } from "../helpers/alertmanager";
import { type ControlPlane, type Running, freePorts, launch, poll, startControlPlane } from "../helpers/control-plane";
import { installCrds } from "../helpers/crds";
import { type PlanOut, apiServerSettings, planOut } from "../helpers/plan-out";
import { toolPath, toolVersion } from "../../../tools/toolchain/paths";
import { hostpathStorageClass, type HostpathClassValues } from "./localpv-objects";
import { type KpsRelease, alertmanagerConfigSecret, alertmanagerName, alertmanagerResource, prometheusName, prometheusResource, serviceAccounts } from "./kps-objects";

/**
 * prometheus-operator (kube-prometheus-stack's appVersion) against the live control plane, with
 * the objects the home plan creates plus what the pinned chart renders from our values (the
 * Alertmanager and Prometheus resources and the Alertmanager config Secret, replicated in
 * kps-objects.ts). Then Alertmanager (the chart's image version) runs the configuration the
 * operator generated, with a local HTTP receiver standing in for the Discord webhook.
 *
 * History: before issue 9's fix this failed at the first test with the operator's
 * "field webhook_url_file not found in type alertmanager.discordConfig" (our alertmanager.config
 * used discord webhook_url_file, which Alertmanager accepts but the operator's config model does
 * not), and no StatefulSet was generated. Since the merge the route is a global
 * AlertmanagerConfig whose Discord receiver names the webhook Secret; this suite is the proof
 * against the real operator.
 */

const stack = "home";
const discordSecret = { name: "alertmanager-discord", key: "webhook-url" };

let plan: PlanOut;
let cp: ControlPlane;
let operator: Running;
let release: KpsRelease;
let receiver: WebhookReceiver;
const webhookPath = "/api/webhooks/123456789/live-suite-token";

beforeAll(async () => {
  plan = await planOut(stack);
  receiver = await startWebhookReceiver();
  cp = await startControlPlane(apiServerSettings(plan.talosConfig()));
  installCrds(cp);
  const kps = plan.helmRelease("kps");
  release = { name: kps.name, namespace: kps.namespace, values: plan.helmValues("kps") };

  // What Pulumi applies, with the Discord URL pointing at the local receiver (a real cluster gets it from the stack's secret config).
  const secret = plan.objects.map(({ object }) => object).find((o) => o.kind === "Secret" && o.metadata.name === discordSecret.name);
  if (!secret) throw new Error(`the ${stack} plan has no Secret ${discordSecret.name}`);
  secret.stringData = { ...secret.stringData, [discordSecret.key]: `${receiver.url}${webhookPath}` };
  const apply = (docs: readonly object[]) => cp.kubectlOk(["apply", "--server-side", "--field-manager=pulumi-kubernetes", "-f", "-"], docs.map((d) => YAML.stringify(d)).join("---\n"));
  for (const wave of plan.waves()) apply(wave);
  // What the foundations' LocalPV release creates first: the operator checks that the volume claims' StorageClass exists.
  apply([hostpathStorageClass(plan.helmValues("openebs-localpv") as HostpathClassValues)]);
  // What Helm would apply from the chart (the parts the operator and the controllers act on).
  apply([...serviceAccounts(release), alertmanagerConfigSecret(release, (value) => YAML.stringify(value))!, alertmanagerResource(release), prometheusResource(release)]);

  const [webPort] = await freePorts(1);
  operator = launch(cp.dir, "prometheus-operator", `prometheus-operator ${toolVersion("prometheus-operator")}`, toolPath("prometheus-operator", "operator"), 20 * 60, [
    `--web.listen-address=127.0.0.1:${webPort}`,
    "--log-level=debug",
  ], { ...process.env, KUBECONFIG: cp.kubeconfig });
  await operator.waitFor(60, async () => (await fetch(`http://127.0.0.1:${webPort}/healthz`)).ok);
}, 10 * 60_000);

afterAll(async () => {
  await operator?.stop();
  await cp?.stop();
  await receiver?.close();
  plan?.remove();
});

function getJson(args: readonly string[]): any {
  const result = cp.kubectl(["get", "-o", "json", ...args]);
  return result.status === 0 ? JSON.parse(result.stdout) : undefined;
}

/** The Reconciled condition of a monitoring.coreos.com object once the operator has written it for the current generation. */
async function reconciled(kind: string, name: string): Promise<{ status: string; reason?: string; message?: string }> {
  const condition = await poll(120, () => {
    const object = getJson([kind, "-n", release.namespace, name]);
    const found = object?.status?.conditions?.find((c: { type: string }) => c.type === "Reconciled");
    return found && found.observedGeneration === object.metadata.generation ? found : undefined;
  });
  return condition ?? { status: "missing", message: `no Reconciled condition; operator log tail: ${operator.log().split("\n").slice(-5).join(" | ")}` };
}

describe(`prometheus-operator: the ${stack} plan's monitoring objects reconciled`, () => {
  it("reconciles the Alertmanager without error (chart-rendered resource and config Secret, plus our AlertmanagerConfigs)", async () => {
    const condition = await reconciled("alertmanager", alertmanagerName(release));
    expect({ status: condition.status, message: condition.message ?? "" }).toEqual({ status: "True", message: "" });
    // The operator also drops fields it considers unsupported, with only a warning in its log.
    const dropped = operator.log().split("\n").filter((line) => /level=(WARN|ERROR)/.test(line) && /dropping|rejected|invalid|unsupported/i.test(line));
    expect(dropped).toEqual([]);
  });

  it("generates the Alertmanager StatefulSet and the generated config Secret", async () => {
    const name = alertmanagerName(release);
    const statefulSet = await poll(60, () => getJson(["statefulset", "-n", release.namespace, `alertmanager-${name}`]));
    expect(statefulSet?.spec?.template?.spec?.containers?.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(["alertmanager", "config-reloader"]));
    const generated = getJson(["secret", "-n", release.namespace, `alertmanager-${name}-generated`]);
    expect(Object.keys(generated?.data ?? {})).toContain("alertmanager.yaml.gz");
  });

  it("reconciles the Prometheus and generates rule files from every PrometheusRule we create, each accepted by promtool of the chart's Prometheus release", async () => {
    const condition = await reconciled("prometheus", prometheusName(release));
    expect({ status: condition.status, message: condition.message ?? "" }).toEqual({ status: "True", message: "" });
    const ours = plan.objects.filter(({ object }) => object.kind === "PrometheusRule").map(({ object }) => `${object.metadata.namespace}-${object.metadata.name}-`);
    expect(ours.length).toBeGreaterThan(0);
    const configMaps = (getJson(["configmap", "-n", release.namespace])?.items ?? []) as { metadata: { name: string }; data?: Record<string, string> }[];
    const ruleFiles = Object.assign({}, ...configMaps.filter((cm) => cm.metadata.name.startsWith(`prometheus-${prometheusName(release)}-rulefiles-`)).map((cm) => cm.data ?? {})) as Record<string, string>;
    // The operator names each file <namespace>-<name>-<uid>.yaml.
    expect(ours.map((prefix) => Object.keys(ruleFiles).some((file) => file.startsWith(prefix)))).toEqual(ours.map(() => true));
    const dir = fs.mkdtempSync(path.join(cp.dir, "rules-"));
    for (const [file, text] of Object.entries(ruleFiles)) fs.writeFileSync(path.join(dir, file), text);
    const promtool = spawnSync(toolPath("promtool", "promtool"), ["check", "rules", ...Object.keys(ruleFiles).map((f) => path.join(dir, f))], { encoding: "utf8", timeout: 120_000 });
    expect({ status: promtool.status, output: `${promtool.stdout}${promtool.stderr}` }).toEqual({ status: 0, output: expect.stringContaining("SUCCESS") });
  });

  it.each(["alertmanager", "prometheus"])("has the Pod of the generated %s StatefulSet admitted by Pod Security in the release namespace", async (kind) => {
    const set = kind === "alertmanager" ? `alertmanager-${alertmanagerName(release)}` : `prometheus-${prometheusName(release)}`;
    // With no scheduler the Pod stays Pending; the StatefulSet controller creating it is admission.
    const pod = await poll(90, () => getJson(["pod", "-n", release.namespace, `${set}-0`]));
    const events = (getJson(["events", "-n", release.namespace, "--field-selector", `involvedObject.name=${set}`])?.items ?? []) as { reason: string; message: string }[];
    expect({ set, created: pod !== undefined, failures: events.filter((e) => e.reason === "FailedCreate").map((e) => e.message) }).toEqual({ set, created: true, failures: [] });
  });
});

describe(`Alertmanager: the operator-generated configuration of the ${stack} plan, with a stand-in Discord webhook`, () => {
  let am: RunningAlertmanager;

  beforeAll(async () => {
    // The generated config as the config-reloader would hand it to Alertmanager, with the pod's
    // mount points (/etc/alertmanager/{config,secrets}) mapped into a local directory.
    const name = alertmanagerName(release);
    const generated = await poll(120, () => getJson(["secret", "-n", release.namespace, `alertmanager-${name}-generated`]));
    if (!generated?.data?.["alertmanager.yaml.gz"]) throw new Error(`the operator generated no alertmanager-${name}-generated Secret (see the operator tests above)`);
    const root = path.join(cp.dir, "alertmanager-pod");
    fs.mkdirSync(path.join(root, "config"), { recursive: true });
    for (const [key, value] of Object.entries(generated.data as Record<string, string>)) {
      if (key !== "alertmanager.yaml.gz") fs.writeFileSync(path.join(root, "config", key), Buffer.from(value, "base64"));
    }
    const resource = getJson(["alertmanager", "-n", release.namespace, name]);
    for (const secretName of (resource.spec.secrets ?? []) as string[]) {
      const secret = getJson(["secret", "-n", release.namespace, secretName]);
      fs.mkdirSync(path.join(root, "secrets", secretName), { recursive: true });
      for (const [key, value] of Object.entries((secret.data ?? {}) as Record<string, string>)) fs.writeFileSync(path.join(root, "secrets", secretName, key), Buffer.from(value, "base64"));
    }
    const config = zlib.gunzipSync(Buffer.from(generated.data["alertmanager.yaml.gz"], "base64")).toString("utf8").replaceAll("/etc/alertmanager/", `${root}/`);
    const configFile = path.join(root, "alertmanager.yaml");
    fs.writeFileSync(configFile, config);
    am = await startAlertmanager(cp.dir, configFile);
  }, 5 * 60_000);

  afterAll(async () => {
    await am?.stop();
  });

  it("delivers firing alerts to the Discord webhook as Discord payloads, one message per namespace and alertname group; Watchdog goes nowhere", async () => {
    await am.postAlerts([
      { labels: { alertname: "LiveSuiteDiskFull", namespace: "monitoring", severity: "warning", instance: "a" }, annotations: { summary: "disk a" } },
      { labels: { alertname: "LiveSuiteDiskFull", namespace: "monitoring", severity: "warning", instance: "b" }, annotations: { summary: "disk b" } },
      { labels: { alertname: "LiveSuiteDiskFull", namespace: "logging", severity: "warning", instance: "c" }, annotations: { summary: "disk c" } },
      { labels: { alertname: "Watchdog", severity: "none" }, annotations: { summary: "always firing" } },
    ]);
    // group_wait (30s in our route) has to pass before the first notification of each group.
    const routeWait = 30;
    const delivered = await poll(routeWait + 45, () => (receiver.requests.length >= 2 ? receiver.requests : undefined));
    // A little longer, so a late third message (e.g. Watchdog) would be seen too.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(delivered?.length).toBe(2);
    expect(receiver.requests.every((request) => request.path === webhookPath)).toBe(true);
    const titles = receiver.requests.map((request) => request.body?.embeds?.[0]?.title as string).sort();
    // Discord's payload: embeds with title/description; the default title counts the group's alerts.
    expect(titles).toEqual([expect.stringMatching(/^\[FIRING:1\] LiveSuiteDiskFull.*logging/), expect.stringMatching(/^\[FIRING:2\] LiveSuiteDiskFull.*monitoring/)]);
    expect(JSON.stringify(receiver.requests)).not.toContain("Watchdog");
    const groups = await am.groups();
    const watchdog = groups.find((group) => group.alerts.some((alert) => alert.labels.alertname === "Watchdog"));
    // Receivers of an AlertmanagerConfig are renamed <namespace>/<object>/<receiver> by the operator.
    expect(watchdog?.receiver.name).toMatch(/(^|\/)null$/);
  }, 3 * 60_000);
});
