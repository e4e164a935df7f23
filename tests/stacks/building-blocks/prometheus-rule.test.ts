import { prometheusRule, rulesFile, serialiseGroups, type AlertRule, type RuleGroup } from "../../../stacks/building-blocks/prometheus-rule";
import { unwrapSecrets, withMocks, type CapturedResource } from "../../helpers";
import { crdErrors } from "../../helpers/crd-schema";
import { promtoolCheckRules } from "../../helpers/promtool";
import { testParent } from "../../helpers/parent";

/** stacks/building-blocks/prometheus-rule.ts (shared by the observability and security stacks): its checks, its output, and the PrometheusRule it registers. */

const rule: AlertRule = {
  alert: "ExampleDown",
  expr: 'up{job="example"} == 0',
  for: "5m",
  severity: "warning",
  category: "example",
  labels: { team: "platform" },
  summary: "Example is down.",
  description: "Example {{ $labels.instance }} is down.",
  runbook: "docs/runbooks.md#exampledown",
};
const group = (rules: AlertRule[], name = "example"): RuleGroup => ({ name, rules });

describe("serialiseGroups", () => {
  test("sets severity and category as labels, keeps extra labels, maps the annotations", () => {
    const [serialised] = serialiseGroups([group([rule])]);
    expect(serialised.rules[0]).toEqual({
      alert: rule.alert,
      expr: rule.expr,
      for: rule.for,
      labels: { team: "platform", severity: rule.severity, category: rule.category },
      annotations: { summary: rule.summary, description: rule.description, runbook_url: rule.runbook },
    });
  });

  test("omits `for` when the rule has none (fires at once)", () => {
    const [serialised] = serialiseGroups([group([{ ...rule, for: undefined }])]);
    expect(serialised.rules[0]).not.toHaveProperty("for");
  });

  test.each([
    ["a duplicate alert across groups", [group([rule]), group([rule], "other")], /ExampleDown is defined twice/],
    ["a duplicate group", [group([rule]), group([{ ...rule, alert: "Other" }])], /"example" is defined twice/],
    ["an empty group", [group([])], /has no rules/],
    ["a malformed for", [group([{ ...rule, for: "5 minutes" }])], /not a Prometheus duration/],
    ["a label shadowing severity", [group([{ ...rule, labels: { severity: "critical" } }])], /set by the builder/],
    ["a lowercase alert name", [group([{ ...rule, alert: "exampleDown" }])], /UpperCamelCase/],
    ["an empty runbook", [group([{ ...rule, runbook: " " }])], /runbook is empty/],
  ])("rejects %s", (_name, groups, message) => {
    expect(() => serialiseGroups(groups as RuleGroup[])).toThrow(message);
  });
});

describe("rulesFile and promtool", () => {
  test("a valid group passes promtool check rules", () => {
    const result = promtoolCheckRules(rulesFile([group([rule])]));
    expect(result.output).toContain("SUCCESS: 1 rules found");
    expect(result.ok).toBe(true);
  });

  test("broken PromQL fails it (the check is real)", () => {
    const result = promtoolCheckRules(rulesFile([group([{ ...rule, expr: "sum by (job (up)" }])]));
    expect(result.ok).toBe(false);
  });

  test("a missing promtool is an error that says what to install, never a skip", () => {
    const saved = process.env.PROMTOOL;
    process.env.PROMTOOL = "/nonexistent/promtool";
    try {
      expect(() => promtoolCheckRules(rulesFile([group([rule])]))).toThrow(/install Debian package prometheus/);
    } finally {
      if (saved === undefined) delete process.env.PROMTOOL;
      else process.env.PROMTOOL = saved;
    }
  });
});

describe("prometheusRule", () => {
  let registered: CapturedResource | undefined;
  /** Inputs as the API server would receive them. */
  let inputs: Record<string, unknown>;

  beforeAll(async () => {
    const resources = await withMocks(() => {
      const parent = testParent("alerting-parent");
      prometheusRule("example-rules", { name: "example", namespace: "monitoring", groups: [group([rule])], labels: { release: "kps" } }, { parent });
    });
    registered = resources.find((r) => r.name === "example-rules");
    inputs = unwrapSecrets(registered?.inputs) as Record<string, unknown>;
  });

  test("registers a monitoring.coreos.com/v1 PrometheusRule carrying exactly the serialised groups", () => {
    expect(registered?.type).toBe("kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    expect(inputs.metadata).toEqual({ name: "example", namespace: "monitoring", labels: { release: "kps" } });
    expect(inputs.spec).toEqual(rulesFile([group([rule])]));
  });

  test("is valid against the prometheus-operator CRD", () => {
    expect(crdErrors(inputs, "crd-prometheusrules.yaml")).toEqual([]);
  });
});
