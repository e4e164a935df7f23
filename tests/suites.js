/**
 * The two test suites. `npm test` runs the unit suite everywhere: it needs nothing beyond a fresh
 * clone and `npm ci`. The conformance suite checks our output against material from outside the
 * repository: the pinned charts' values.yaml, CRD and Talos schemas and the sops test vectors (the
 * reference folder, HOME_PLATFORM_SHARED or ../shared), and the upstream checkers promtool, amtool
 * (PROMTOOL/AMTOOL: the toolchain's pinned builds in .ci/run; else Debian's prometheus and
 * prometheus-alertmanager) and yamllint (Debian package yamllint).
 *
 * A test file that reads any of that belongs in `conformance` below; tests/tools/test-suites.test.ts
 * fails when one is missing, and the unit suite cannot see the reference folder (tests/unit-setup.ts).
 * Read by jest.config.js and tools/test-suites.ts. Paths are relative to the repository root.
 */
module.exports = {
  conformance: [
    "tests/components/talos-cluster/machine-config.test.ts",
    "tests/components/talos-cluster/talos-api-access.test.ts",
    "tests/components/talos-cluster/machine-foundations.test.ts",
    "tests/components/talos-cluster/talos-cluster.test.ts",
    "tests/index.test.ts",
    "tests/tools/sops/decrypt.test.ts",
    "tests/lib/sops/data-key.test.ts",
    "tests/lib/sops/keys.test.ts",
    "tests/tools/shared-path.test.ts",
    "tests/lib/sops/tamper.test.ts",
    "tests/lib/sops/vectors.test.ts",
    "tests/stacks/backups/alerts.test.ts",
    "tests/stacks/backups/velero.test.ts",
    "tests/stacks/building-blocks/prometheus-rule.test.ts",
    "tests/stacks/foundations/conformance.test.ts",
    "tests/stacks/observability/alerts/deploy.test.ts",
    "tests/stacks/observability/alerts/rules.test.ts",
    "tests/stacks/observability/logging/chart-args.test.ts",
    "tests/stacks/observability/logging/deploy.test.ts",
    "tests/stacks/observability/logging/syslog.test.ts",
    "tests/stacks/observability/logging/values.test.ts",
    "tests/stacks/observability/metrics/alertmanager.test.ts",
    "tests/stacks/observability/metrics/pod-security.test.ts",
    "tests/stacks/observability/metrics/thanos-grafana.test.ts",
    "tests/stacks/observability/metrics/values.test.ts",
    "tests/stacks/runners/values.test.ts",
    "tests/stacks/security/alerts.test.ts",
    "tests/stacks/security/dashboard.test.ts",
    "tests/stacks/security/security-stack.test.ts",
    "tests/stacks/security/tetragon-values.test.ts",
    "tests/stacks/security/tracing-policies.test.ts",
    "tests/toolchain/data-pins.test.ts",
    "tests/toolchain/k8s-pins.test.ts",
    "tests/workflows/yamllint.test.ts",
  ],
};
