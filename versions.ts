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
  // renovate: datasource=go depName=github.com/pulumi/pulumi/pkg/v3
  pulumi: { module: "github.com/pulumi/pulumi/pkg/v3", version: "v3.276.0", binaries: ["pulumi"] },
  // renovate: datasource=go depName=github.com/rhysd/actionlint
  actionlint: { module: "github.com/rhysd/actionlint", version: "v1.7.12", binaries: ["actionlint"] },
  // renovate: datasource=go depName=github.com/siderolabs/talos
  talosctl: { module: "github.com/siderolabs/talos", version: "v1.13.9", binaries: ["talosctl"] },
} as const satisfies Record<string, ToolPin>;
