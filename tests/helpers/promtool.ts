import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { checkerCommand, checkerVersion } from "../../tools/checkers";

/**
 * Runs Prometheus' own checker on rule files we generate, so PromQL and templates are validated by
 * the parser Prometheus uses, not by a guess:
 *
 *   expect(promtoolCheckRules(rulesFile(groups))).toMatchObject({ ok: true });
 *   expect(promtoolTestRules(rulesFile(groups), tests).output).toContain("SUCCESS");
 *
 * `PROMTOOL` names the binary: .ci/run sets it to the toolchain's promtool v3.14.0 (versions.ts
 * `toolchain.promtool`, the Prometheus kube-prometheus-stack runs), whose PromQL semantics differ
 * from 2.x (left-open range windows). Without it, `promtool` on PATH runs (Debian package
 * `prometheus`, 2.42 on bookworm). Every output starts with the promtool version that produced it.
 * A missing promtool throws: a rules test that skipped would pass while checking nothing.
 */

export interface PromtoolResult {
  readonly ok: boolean;
  /** stdout and stderr together, for the assertion message. */
  readonly output: string;
}

/** One input series in promtool's expanding notation, e.g. `{ series: 'up{job="x"}', values: "1x30" }`. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export interface ExpectedAlert {
  readonly exp_labels: Record<string, string>;
  readonly exp_annotations: Record<string, string>;
}

export interface AlertTestCase {
  /** Time since the start of the series ("45m"). */
  readonly eval_time: string;
  readonly alertname: string;
  /** Alerts firing at eval_time; [] asserts the alert is silent. */
  readonly exp_alerts: readonly ExpectedAlert[];
}

export interface RuleTest {
  /** Step between the values of `input_series` ("1m"). */
  readonly interval: string;
  readonly input_series: readonly InputSeries[];
  readonly alert_rule_test: readonly AlertTestCase[];
}

const missingPromtool =
  "promtool not found: set PROMTOOL to the toolchain's build (tools/toolchain/install.sh promtool; install.sh --list shows where), or install Debian package prometheus (apt-get install -y prometheus)";

/** `promtool check rules` on `rules` (a `{groups: [...]}` object). */
export function promtoolCheckRules(rules: object): PromtoolResult {
  return withTempDir((dir) => {
    const rulesPath = path.join(dir, "rules.yaml");
    fs.writeFileSync(rulesPath, YAML.stringify(rules, { lineWidth: 0 }));
    return run(["check", "rules", rulesPath]);
  });
}

/** `promtool test rules` with the rule unit tests `tests` against `rules`. */
export function promtoolTestRules(rules: object, tests: readonly RuleTest[], evaluationInterval = "1m"): PromtoolResult {
  return withTempDir((dir) => {
    fs.writeFileSync(path.join(dir, "rules.yaml"), YAML.stringify(rules, { lineWidth: 0 }));
    const testFile = path.join(dir, "tests.yaml");
    // rule_files are resolved relative to the test file.
    fs.writeFileSync(testFile, YAML.stringify({ rule_files: ["rules.yaml"], evaluation_interval: evaluationInterval, tests }, { lineWidth: 0 }));
    return run(["test", "rules", testFile]);
  });
}

function run(args: string[]): PromtoolResult {
  const command = checkerCommand("promtool");
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 60_000 });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(missingPromtool);
    throw result.error;
  }
  return { ok: result.status === 0, output: `${checkerVersion(command)}\n${result.stdout}${result.stderr}` };
}

function withTempDir<T>(body: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "promtool-"));
  try {
    return body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
