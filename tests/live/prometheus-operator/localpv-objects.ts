/**
 * What the pinned localpv-provisioner chart (4.0.0, templates/hostpath-class.yaml) renders from our
 * values: the hostpath StorageClass. The foundations release creates it before kube-prometheus-stack
 * in a real `pulumi up`; prometheus-operator refuses to reconcile an Alertmanager or Prometheus
 * whose volumeClaimTemplate names a StorageClass that does not exist, so the live suite must have it.
 */
export interface HostpathClassValues {
  readonly hostpathClass: { readonly name: string; readonly basePath?: string; readonly isDefaultClass?: boolean; readonly reclaimPolicy?: string; readonly enabled?: boolean };
  readonly localpv?: { readonly basePath?: string };
}

export function hostpathStorageClass(values: HostpathClassValues): object {
  const { hostpathClass } = values;
  if (hostpathClass.enabled === false) throw new Error("the plan's localpv values disable the hostpath StorageClass");
  const basePath = hostpathClass.basePath ?? values.localpv?.basePath ?? "/var/openebs/local";
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: {
      name: hostpathClass.name,
      annotations: {
        "openebs.io/cas-type": "local",
        "cas.openebs.io/config": `- name: StorageType\n  value: "hostpath"\n- name: BasePath\n  value: "${basePath}"\n`,
        ...(hostpathClass.isDefaultClass ? { "storageclass.kubernetes.io/is-default-class": "true" } : {}),
      },
    },
    provisioner: "openebs.io/local",
    volumeBindingMode: "WaitForFirstConsumer",
    reclaimPolicy: hostpathClass.reclaimPolicy ?? "Delete",
  };
}
