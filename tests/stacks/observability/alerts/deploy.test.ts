import * as pulumi from "@pulumi/pulumi";
import { rulesFile } from "../../../../lib/alerting";
import { crdErrors } from "../../../helpers/crd-schema";
import { installMocks, settled, testParent, type Registration } from "../logging/support/mocks";

let registrations: Registration[];
let ours: Registration[];
let parented: Set<string>;
let providerName: string;
let alerts: typeof import("../../../../stacks/observability/alerts");

beforeAll(async () => {
  registrations = await installMocks();
  alerts = await import("../../../../stacks/observability/alerts");
  const test = testParent("observability");
  parented = test.parented;
  providerName = test.providerName;
  // An Output, as ObservabilityStack passes the kube-prometheus-stack release's namespace.
  alerts.deployObservabilityAlerts("observability-alerts", { namespace: pulumi.output("metrics-system") }, test.parent);
  await settled();
  ours = registrations.filter((r) => r.name.startsWith("observability-alerts"));
});

describe("deployObservabilityAlerts", () => {
  test("one PrometheusRule, in the namespace passed in, holding every group", () => {
    expect(ours.map((r) => r.type)).toEqual(["kubernetes:monitoring.coreos.com/v1:PrometheusRule"]);
    const [rule] = ours;
    expect(rule.inputs.metadata).toMatchObject({ name: alerts.observabilityRuleName, namespace: "metrics-system" });
    expect(rule.inputs.spec).toEqual(rulesFile(alerts.observabilityAlertGroups()));
    expect(rule.inputs.spec.groups.map((group: { name: string }) => group.name)).toEqual(["victoria-logs", "thanos", "prometheus-storage"]);
  });

  test("is valid against the prometheus-operator CRD", () => {
    expect(crdErrors(ours[0].inputs, "crd-prometheusrules.yaml")).toEqual([]);
  });

  test("is a child of the caller and uses its kubernetes provider", () => {
    expect(parented).toContain(ours[0].name);
    expect(ours[0].provider).toContain(`::${providerName}::`);
  });
});
