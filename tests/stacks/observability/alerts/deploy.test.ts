import * as pulumi from "@pulumi/pulumi";
import { rulesFile } from "../../../../stacks/building-blocks/prometheus-rule";
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
    expect(rule.metadata).toMatchObject({ name: alerts.observabilityRuleName, namespace: "metrics-system" });
    expect(rule.spec).toEqual(rulesFile(alerts.observabilityAlertGroups()));
    expect(rule.spec.groups.map((group: { name: string }) => group.name)).toEqual(["victoria-logs", "thanos", "prometheus-storage"]);
  });

  test("is valid against the prometheus-operator CRD", () => {
    expect(crdErrors(inputs(ours[0]), "crd-prometheusrules.yaml")).toEqual([]);
  });

  test("is a child of the caller and uses its kubernetes provider", () => {
    expect(ancestorsOf(resources, ours[0])).toContain(parentUrns.parent);
    expect(ours[0].provider).toBe(parentUrns.provider);
  });
});
