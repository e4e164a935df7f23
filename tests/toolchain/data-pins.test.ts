import { charts, toolchain } from "../../versions";
import { chartDefaults, chartDirFor } from "../helpers/chart-values";

/**
 * The live suite's data components run at the releases our pinned charts run, so what the live
 * tests find holds for the cluster. A Renovate bump of a chart fails here until the tool follows.
 */

/**
 * Chart.yaml appVersion of the pinned VictoriaLogs charts (their values.yaml leaves the image tag
 * empty, so the image is `:<appVersion>`). Read from VictoriaMetrics/helm-charts at the chart tags;
 * add a line when Renovate bumps a chart.
 */
const victoriaLogsAppVersions: Record<string, string> = {
  "victoria-logs-single-0.13.9": "v1.52.0",
  "victoria-logs-collector-0.3.7": "v1.52.0",
};

function release(version: string): [number, number, number] {
  const match = /^v(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new Error(`not a release version: ${version}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

describe("toolchain pins of the data components", () => {
  it.each([charts.victoriaLogsSingle, charts.victoriaLogsCollector])(
    "VictoriaLogs is the release line $chart $version runs (same minor, not an older patch)",
    (pin) => {
      const appVersion = victoriaLogsAppVersions[chartDirFor(pin)];
      expect([chartDirFor(pin), appVersion]).toEqual([chartDirFor(pin), expect.stringMatching(/^v\d/)]);
      const [major, minor, patch] = release(toolchain.victorialogs.version);
      const [appMajor, appMinor, appPatch] = release(appVersion);
      // A patch above the chart's is allowed only because the proxy refuses v1.52.0 (versions.ts).
      expect({ major, minor, patchNotOlder: patch >= appPatch }).toEqual({ major: appMajor, minor: appMinor, patchNotOlder: true });
    },
  );

  it("the server images are not overridden by the chart's values (they follow appVersion)", () => {
    const single = chartDefaults(chartDirFor(charts.victoriaLogsSingle)) as { server: { image: { tag: string } } };
    const collector = chartDefaults(chartDirFor(charts.victoriaLogsCollector)) as { image: { tag: string } };
    expect([single.server.image.tag, collector.image.tag]).toEqual(["", ""]);
  });

  it("Thanos is the release kube-prometheus-stack runs as the Prometheus sidecar", () => {
    const kps = chartDefaults(chartDirFor(charts.kubePrometheusStack)) as { prometheusOperator: { thanosImage: { tag: string } } };
    expect(toolchain.thanos.version).toBe(kps.prometheusOperator.thanosImage.tag);
  });
});
