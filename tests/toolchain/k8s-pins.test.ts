import { charts, images, toolchain } from "../../versions";
import { clusterSchema } from "../../config/schema/cluster";
import { chartDefaults, chartDirFor } from "../helpers/chart-values";
import { stackConfig } from "../workflows/workflow-files";

/**
 * The live suite's control plane and monitoring components run at the releases the cluster runs,
 * so what the live tests find holds there. A bump on one side fails here until the other follows.
 */

/**
 * Chart.yaml appVersion of the pinned kube-prometheus-stack (its values.yaml leaves the operator
 * image tag empty, so the operator image is `:<appVersion>`). Read from
 * prometheus-community/helm-charts at the chart tag; add a line when Renovate bumps the chart.
 */
const kpsAppVersions: Record<string, string> = {
  "kube-prometheus-stack-88.5.3": "v0.93.1",
};

const kpsDefaults = () =>
  chartDefaults(chartDirFor(charts.kubePrometheusStack)) as {
    prometheusOperator: { image: { tag: string } };
    alertmanager: { alertmanagerSpec: { image: { tag: string } } };
    prometheus: { prometheusSpec: { image: { tag: string } } };
  };

describe("toolchain pins of the control plane and monitoring components", () => {
  it.each(["home", "lab"] as const)("kube-apiserver, kube-controller-manager and kubectl are the Kubernetes release Pulumi.%s.yaml runs", (stack) => {
    const configured: string | undefined = stackConfig(stack)["home-platform:cluster"]?.kubernetesVersion;
    const kubernetesVersion = configured ?? clusterSchema.shape.kubernetesVersion.parse(undefined);
    expect(toolchain.kubernetes.version).toBe(`v${kubernetesVersion.replace(/^v/, "")}`);
  });

  it("the registration Job's kubectl image is the same release", () => {
    expect(images.kubectl.tag).toBe(toolchain.kubernetes.version);
  });

  it("prometheus-operator is kube-prometheus-stack's appVersion and the chart does not override the image", () => {
    expect(kpsDefaults().prometheusOperator.image.tag).toBe("");
    expect(toolchain["prometheus-operator"].version).toBe(kpsAppVersions[chartDirFor(charts.kubePrometheusStack)]);
  });

  it("Alertmanager is the image kube-prometheus-stack runs", () => {
    expect(toolchain.alertmanager.version).toBe(kpsDefaults().alertmanager.alertmanagerSpec.image.tag);
  });

  it("promtool is the Prometheus release kube-prometheus-stack runs, built from the matching v0 module tag", () => {
    const tag = kpsDefaults().prometheus.prometheusSpec.image.tag.replace(/-distroless$/, "");
    expect(toolchain.promtool.version).toBe(tag);
    const [major, minor, patch] = tag.replace(/^v/, "").split(".").map(Number);
    expect(toolchain.promtool.moduleVersion).toBe(`v0.${major * 100 + minor}.${patch}`);
  });
});
