import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { pinnedRelease } from "../../building-blocks/helm-release";
import { charts } from "../../../versions";
import { releases } from "./names";

/**
 * The monitoring.coreos.com CRDs (Prometheus, Alertmanager, AlertmanagerConfig, ServiceMonitor,
 * PodMonitor, PrometheusRule...) as their own release, ordered before everything that uses them.
 *
 * Why not kube-prometheus-stack's copy: it ships them in crds/, which Helm installs on first
 * install only and never upgrades, so every chart bump would leave the operator running against
 * old schemas. prometheus-operator-crds renders them as templates, which `helm upgrade` applies.
 *
 * Safety of the switch and of later changes:
 * - `helm.sh/resource-policy: keep` on every CRD: Helm never deletes them, neither on uninstall nor
 *   when a chart version drops one. Deleting a CRD deletes every object of its kind (all
 *   Prometheus, Alertmanager, rules and monitors), so no Helm or Pulumi step may ever do it.
 * - `takeOwnership`: on a cluster where an earlier kube-prometheus-stack installed them (without
 *   Helm's ownership labels, as crds/ objects never get them), this release adopts them instead of
 *   failing with "exists and cannot be imported". kube-prometheus-stack, now with `crds.enabled:
 *   false`, never deleted crds/ objects to begin with, so nothing disappears in between.
 */
export const crdKeepAnnotation = { "helm.sh/resource-policy": "keep" } as const;

export function crdValues(): Record<string, unknown> {
  // `crds` is the chart's sub-chart holding the CRD templates; its `annotations` go on every CRD.
  return { crds: { annotations: { ...crdKeepAnnotation } } };
}

export function deployMonitoringCrds(
  name: string,
  namespace: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  return pinnedRelease(
    name,
    {
      // The release record lives in the monitoring namespace; the CRDs themselves are cluster-scoped.
      releaseName: releases.prometheusOperatorCrds,
      namespace,
      pin: charts.prometheusOperatorCrds,
      values: crdValues(),
      takeOwnership: true,
    },
    opts,
  );
}
