import type { MetricsConfig } from "./index";
import { withVolumes, workloadRequest, type ContainerResources, type WorkloadRequest } from "../../../lib/capacity";

/**
 * Requests and limits for every container the metrics half runs. The big ones (Prometheus,
 * Alertmanager, Grafana, Thanos) come from config; the helpers below are fixed, sized from what
 * they use on a small cluster with headroom, and documented here so a reviewer can change them in
 * one place. CPU limits are left off on purpose (they throttle bursty pods); memory limits stay.
 */
export const helperResources = {
  /** prometheus-operator: watches CRs cluster-wide; ~40 MiB on a small cluster with GOGC=30. */
  operator: { requests: { cpu: "50m", memory: "96Mi" }, limits: { memory: "256Mi" } },
  /** prometheus-config-reloader sidecars (Prometheus and Alertmanager pods): one small Go process each. */
  configReloader: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
  /** Thanos sidecar in the Prometheus pod: proxies queries and uploads 2h blocks. */
  thanosSidecar: { requests: { cpu: "25m", memory: "128Mi" }, limits: { memory: "512Mi" } },
  /** kube-state-metrics: grows with the object count; a homelab has a few thousand objects. */
  kubeStateMetrics: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "192Mi" } },
  /** node-exporter, per node. */
  nodeExporter: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "96Mi" } },
  /** Grafana's k8s-sidecar containers (dashboards, datasources): a Python watcher each. */
  grafanaSidecar: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } },
  /** The chart's admission-webhook certificate Jobs (kube-webhook-certgen), run at install/upgrade. */
  admissionJobs: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
} as const satisfies Record<string, ContainerResources>;

/** Grafana's sidecars enabled by kube-prometheus-stack: dashboards and datasources. */
const grafanaSidecarCount = 2;

/** A pod's request: the sum over its long-running containers (init containers run before, not beside). */
export function podRequest(
  stack: string,
  workload: string,
  replicas: number | "perNode",
  containers: readonly ContainerResources[],
): WorkloadRequest {
  const parts = containers.map((resources) => workloadRequest(stack, workload, replicas, resources));
  return {
    stack,
    workload,
    replicas,
    cpuMillis: parts.reduce((sum, part) => sum + part.cpuMillis, 0),
    memoryMiB: parts.reduce((sum, part) => sum + part.memoryMiB, 0),
  };
}

/**
 * What the metrics workloads ask of the cluster, from the same objects the Helm values use.
 * One replica each: the charts' defaults, which the values keep.
 */
export function metricsWorkloadRequests(config: MetricsConfig, stack = "observability"): WorkloadRequest[] {
  return [
    withVolumes(podRequest(stack, "prometheus", 1, [config.prometheus.resources, helperResources.thanosSidecar, helperResources.configReloader]), config.prometheus.volumeSize),
    withVolumes(podRequest(stack, "alertmanager", 1, [config.alertmanager.resources, helperResources.configReloader]), config.alertmanager.volumeSize),
    podRequest(stack, "grafana", 1, [
      config.grafana.resources,
      ...Array.from({ length: grafanaSidecarCount }, () => helperResources.grafanaSidecar),
    ]),
    podRequest(stack, "prometheus-operator", 1, [helperResources.operator]),
    podRequest(stack, "kube-state-metrics", 1, [helperResources.kubeStateMetrics]),
    podRequest(stack, "node-exporter", "perNode", [helperResources.nodeExporter]),
    podRequest(stack, "thanos-query", 1, [config.thanos.resources]),
    withVolumes(podRequest(stack, "thanos-store-gateway", 1, [config.thanos.resources]), config.thanos.storeVolumeSize),
    withVolumes(podRequest(stack, "thanos-compactor", 1, [config.thanos.resources]), config.thanos.compactorVolumeSize),
  ];
}
