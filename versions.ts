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
