/**
 * Every chart and image version the platform deploys, in one typed module so a reviewer sees a
 * bump as one line and Renovate can propose them. Each entry carries a `# renovate:` comment
 * that the regex manager in renovate.json5 reads (datasource, package name).
 */

export interface ChartPin {
  /** Chart name inside the repository. */
  readonly chart: string;
  readonly version: string;
  /** Helm repository URL, or the OCI registry path without the chart name. */
  readonly repository: string;
}

export const charts = {
  // renovate: datasource=helm depName=kube-prometheus-stack registryUrl=https://prometheus-community.github.io/helm-charts
  kubePrometheusStack: { chart: "kube-prometheus-stack", version: "88.5.3", repository: "https://prometheus-community.github.io/helm-charts" },
  // The monitoring.coreos.com CRDs as templates, so Helm upgrades them (kube-prometheus-stack's own
  // copy sits in crds/, installed once and never upgraded). 31.0.1 carries operator v0.93.1's CRDs,
  // the operator kube-prometheus-stack 88.5.3 runs; Renovate bumps both in one "Helm charts" PR.
  // renovate: datasource=helm depName=prometheus-operator-crds registryUrl=https://prometheus-community.github.io/helm-charts
  prometheusOperatorCrds: { chart: "prometheus-operator-crds", version: "31.0.1", repository: "https://prometheus-community.github.io/helm-charts" },
  // renovate: datasource=docker depName=ghcr.io/stevehipwell/helm-charts/thanos
  thanos: { chart: "thanos", version: "1.24.1", repository: "oci://ghcr.io/stevehipwell/helm-charts" },
  // renovate: datasource=helm depName=victoria-logs-single registryUrl=https://victoriametrics.github.io/helm-charts
  victoriaLogsSingle: { chart: "victoria-logs-single", version: "0.13.9", repository: "https://victoriametrics.github.io/helm-charts" },
  // renovate: datasource=helm depName=victoria-logs-collector registryUrl=https://victoriametrics.github.io/helm-charts
  victoriaLogsCollector: { chart: "victoria-logs-collector", version: "0.3.7", repository: "https://victoriametrics.github.io/helm-charts" },
  // renovate: datasource=helm depName=tetragon registryUrl=https://helm.cilium.io
  tetragon: { chart: "tetragon", version: "1.7.0", repository: "https://helm.cilium.io" },
  // renovate: datasource=docker depName=codeberg.org/wrenix/helm-charts/forgejo-runner
  forgejoRunner: { chart: "forgejo-runner", version: "0.4.38", repository: "oci://codeberg.org/wrenix/helm-charts" },
  // appVersion 1.18.1; its crds/ are Velero v1.18.1's (the Schedule and BSL objects we create are checked against them).
  // renovate: datasource=helm depName=velero registryUrl=https://vmware-tanzu.github.io/helm-charts
  velero: { chart: "velero", version: "12.1.0", repository: "https://vmware-tanzu.github.io/helm-charts" },
  // Foundations (stacks/foundations). Cilium 1.20 is the line that tests Kubernetes 1.33-1.36.
  // renovate: datasource=helm depName=cilium registryUrl=https://helm.cilium.io
  cilium: { chart: "cilium", version: "1.20.0", repository: "https://helm.cilium.io" },
  // Bundles Gateway API v1.6.1 (TCPRoute/UDPRoute v1, which Envoy Gateway 1.9 watches).
  // renovate: datasource=docker depName=docker.io/envoyproxy/gateway-helm
  envoyGateway: { chart: "gateway-helm", version: "v1.9.0", repository: "oci://docker.io/envoyproxy" },
  // 4.0.0 is the newest release whose values.yaml the conformance suite can check (upstream has
  // 4.5.1; the keys we set are unchanged through 4.1.1). Renovate's bump needs that file too.
  // renovate: datasource=helm depName=localpv-provisioner registryUrl=https://openebs.github.io/dynamic-localpv-provisioner
  localpvProvisioner: { chart: "localpv-provisioner", version: "4.0.0", repository: "https://openebs.github.io/dynamic-localpv-provisioner" },
} as const satisfies Record<string, ChartPin>;

export interface ImagePin {
  readonly repository: string;
  readonly tag: string;
}

/** Images we set ourselves (the charts pin their own defaults, which the values tests check). */
export const images = {
  // renovate: datasource=docker depName=registry.k8s.io/kubectl
  kubectl: { repository: "registry.k8s.io/kubectl", tag: "v1.36.1" },
  // renovate: datasource=docker depName=code.forgejo.org/forgejo/runner
  forgejoRunner: { repository: "code.forgejo.org/forgejo/runner", tag: "7.0.0" },
  // renovate: datasource=docker depName=docker.io/library/docker
  dind: { repository: "docker.io/library/docker", tag: "28.3.2-dind" },
  // The object-store plugin Velero loads from an init container: v1.14.x is the line built for Velero 1.18.
  // renovate: datasource=docker depName=docker.io/velero/velero-plugin-for-aws
  veleroPluginForAws: { repository: "docker.io/velero/velero-plugin-for-aws", tag: "v1.14.2" },
  // etcd snapshots through the Talos API (siderolabs/talos-backup; newest tag, main has moved to minio-go since).
  // renovate: datasource=docker depName=ghcr.io/siderolabs/talos-backup
  talosBackup: { repository: "ghcr.io/siderolabs/talos-backup", tag: "v0.1.0-beta.3" },
} as const satisfies Record<string, ImagePin>;

/** Grafana plugins, installed by Grafana at start from grafana.com as `id@version`. */
export const grafanaPlugins = {
  // renovate: datasource=github-releases depName=VictoriaMetrics/victorialogs-datasource extractVersion=^v(?<version>.+)$
  victoriaLogsDatasource: { id: "victoriametrics-logs-datasource", version: "0.30.1" },
} as const satisfies Record<string, { readonly id: string; readonly version: string }>;

/** `repository:tag`, for manifests that take one string. */
export function imageRef(pin: ImagePin): string {
  return `${pin.repository}:${pin.tag}`;
}

/**
 * Tools the live suite and the workflows run, built from their published Go modules by
 * tools/toolchain/install.sh into $HOME_PLATFORM_TOOLS/<tool>/<version>/bin. `version` is what the
 * binary reports (and the cache key); `module`/`moduleVersion` is what is built, when the module
 * has no tag for that release (a pseudo-version at the release commit). Versions that must equal
 * something else (talosctl = the stacks' talosVersion, provider plugins = the SDK in
 * package-lock.json, the CLI not older than @pulumi/pulumi) are checked by tests/toolchain.
 * Each tool's build lives in tools/toolchain/tools/<tool>.sh.
 */
export interface ToolPin {
  /** Go module the build requires. */
  readonly module: string;
  /** The release, as the tool reports it; also the cache directory name. */
  readonly version: string;
  /** Module version to require when it differs from `version` (untagged modules). */
  readonly moduleVersion?: string;
  /** Executables the build leaves in bin/. */
  readonly binaries: readonly string[];
}

export const toolchain = {
  // The newest pkg/v3 the Go module proxy serves (it refuses v3.270.0); runs the @pulumi/pulumi
  // 3.270.0 SDK of package-lock.json: a newer engine runs an older SDK, never the reverse
  // (tests/toolchain/pins.test.ts).
  // renovate: datasource=go depName=github.com/pulumi/pulumi/pkg/v3
  pulumi: { module: "github.com/pulumi/pulumi/pkg/v3", version: "v3.276.0", binaries: ["pulumi"] },
  // renovate: datasource=go depName=github.com/rhysd/actionlint
  actionlint: { module: "github.com/rhysd/actionlint", version: "v1.7.12", binaries: ["actionlint"] },
  // Talos' config validation and talosconfig loader (tools/toolchain/src/talos-validate); the
  // talosctl main is not buildable from the proxy (tools/toolchain/tools/talos-machinery.sh).
  // renovate: datasource=go depName=github.com/siderolabs/talos/pkg/machinery
  "talos-machinery": { module: "github.com/siderolabs/talos/pkg/machinery", version: "v1.13.9", binaries: ["talos-validate"] },
  // VictoriaLogs server + vlagent. victoria-logs-single 0.13.9 and victoria-logs-collector 0.3.7 run
  // v1.52.0, which the Go module proxy does not serve (403); v1.52.1 is the same release line's
  // next patch (tests/toolchain/data-pins.test.ts keeps it on the charts' minor).
  // renovate: datasource=go depName=github.com/VictoriaMetrics/VictoriaLogs
  victorialogs: { module: "github.com/VictoriaMetrics/VictoriaLogs", version: "v1.52.1", binaries: ["victoria-logs", "vlagent"] },
  // The kube-prometheus-stack sidecar image and the thanos chart's appVersion.
  // renovate: datasource=go depName=github.com/thanos-io/thanos
  thanos: { module: "github.com/thanos-io/thanos", version: "v0.42.4", binaries: ["thanos"] },
  // The live suite's S3 server (MinIO is AGPL). Not tracked by Renovate: SeaweedFS tags (4.53) are
  // not semver, and the proxy serves it only as a pseudo-version at a commit.
  seaweedfs: {
    module: "github.com/seaweedfs/seaweedfs",
    version: "4.53",
    moduleVersion: "v0.0.0-20261109003541-7506e5f91cd6",
    binaries: ["weed"],
  },
  // The live suite's control plane: the stacks' kubernetesVersion (tests/toolchain/k8s-pins.test.ts).
  // renovate: datasource=go depName=k8s.io/kubernetes
  kubernetes: { module: "k8s.io/kubernetes", version: "v1.36.1", binaries: ["kube-apiserver", "kube-controller-manager", "kubectl"] },
  // The etcd 3.6 line Kubernetes 1.36 is tested with (kubeadm pins 3.6.8; any 3.6 patch serves).
  // renovate: datasource=go depName=go.etcd.io/etcd/server/v3
  etcd: { module: "go.etcd.io/etcd/server/v3", version: "v3.6.14", binaries: ["etcd"] },
  // kube-prometheus-stack's appVersion (its operator image tag).
  // renovate: datasource=go depName=github.com/prometheus-operator/prometheus-operator
  "prometheus-operator": { module: "github.com/prometheus-operator/prometheus-operator", version: "v0.93.1", binaries: ["operator"] },
  // kube-prometheus-stack's alertmanager.alertmanagerSpec.image.tag.
  // renovate: datasource=go depName=github.com/prometheus/alertmanager
  alertmanager: { module: "github.com/prometheus/alertmanager", version: "v0.34.0", binaries: ["alertmanager", "amtool"] },
  // kube-prometheus-stack's prometheus.prometheusSpec.image.tag. Prometheus 3.x is the v0 module
  // tagged v0.3XX.Y for v3.XX.Y; the Go datasource only knows the v0 tags, so Renovate does not
  // track this line: a chart bump fails tests/toolchain/k8s-pins.test.ts until it follows.
  promtool: { module: "github.com/prometheus/prometheus", version: "v3.14.0", moduleVersion: "v0.314.0", binaries: ["promtool"] },
} as const satisfies Record<string, ToolPin>;
