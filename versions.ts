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
