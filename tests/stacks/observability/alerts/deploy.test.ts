import * as pulumi from "@pulumi/pulumi";
import * as alerts from "../../../../stacks/observability/alerts";
import { ancestorsOf, unwrapSecrets, withMocks, type CapturedResource } from "../../../helpers";
import { crdErrors } from "../../../helpers/crd-schema";
import { testParent, testParentUrns } from "../../../helpers/parent";

let resources: CapturedResource[];
let ours: CapturedResource[];
let parentUrns: { parent: string; provider: string };
/** Inputs as the API server would receive them. */
const inputs = (r: CapturedResource) => unwrapSecrets(r.inputs) as Record<string, any>;

beforeAll(async () => {
  resources = await withMocks(() => {
    // An Output, as ObservabilityStack passes the kube-prometheus-stack release's namespace.
    alerts.deployObservabilityAlerts("observability-alerts", { namespace: pulumi.output("metrics-system") }, testParent("observability"));
  });
  parentUrns = testParentUrns(resources, "observability");
  ours = resources.filter((r) => r.name.startsWith("observability-alerts"));
});

describe("deployObservabilityAlerts", () => {
  test("one PrometheusRule, in the namespace passed in, holding every group", () => {
    expect(ours.map((r) => r.type)).toEqual(["kubernetes:monitoring.coreos.com/v1:PrometheusRule"]);
    const rule = inputs(ours[0]);
    expect(rule.metadata).toMatchObject({ name: "observability-alerts", namespace: "metrics-system" });
    // Every group and alert, by name: a group left out of the wiring fails here (rules.test.ts checks their content).
    const alertsByGroup = rule.spec.groups.map((group: { name: string; rules: { alert: string }[] }) => [group.name, group.rules.map((r) => r.alert)]);
    expect(alertsByGroup).toEqual([
      ["victoria-logs", ["VictoriaLogsDown", "VictoriaLogsIngestionStopped", "VictoriaLogsDiskNearlyFull", "VictoriaLogsStorageReadOnly", "VictoriaLogsSyslogErrors", "VictoriaLogsRowsDropped"]],
      ["thanos", ["ThanosCompactHalted", "ThanosStoreGatewayDown", "ThanosQueryDown"]],
      ["prometheus-storage", ["ThanosSidecarPrometheusUnreachable", "ThanosSidecarBucketOperationsFailed", "ThanosSidecarNoUploads", "PrometheusTSDBWALCorruptions"]],
    ]);
  });

  test("is valid against the prometheus-operator CRD", () => {
    expect(crdErrors(inputs(ours[0]), "crd-prometheusrules.yaml")).toEqual([]);
  });

  test("is a child of the caller and uses its kubernetes provider", () => {
    expect(ancestorsOf(resources, ours[0])).toContain(parentUrns.parent);
    expect(ours[0].provider).toBe(parentUrns.provider);
  });
});
