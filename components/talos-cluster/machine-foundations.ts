/**
 * The machine-config side of the foundations layer (stacks/foundations), as a patch merged over the
 * generated v1alpha1 document before each node's own patches (merge.ts rules: maps merge, lists
 * replace, so a node patch that sets `kubelet.extraMounts` must repeat the hostpath mount).
 */

export interface MachineFoundations {
  /**
   * Cilium replaces Talos' CNI and kube-proxy: `cluster.network.cni.name: none` and
   * `cluster.proxy.disabled: true`, as the Talos Cilium guide does it for Talos < 1.14. Set on
   * every node, so workers and control planes agree (Talos reads both from the cluster section).
   */
  readonly cni: boolean;
  /**
   * Node directory of the hostpath volumes (OpenEBS LocalPV). The kubelet runs in a container on
   * Talos, so a hostPath root must be bind-mounted into it (rshared, so volumes created later are
   * seen), on every node that may run a pod with a volume.
   */
  readonly hostpathBase?: string;
}

/** The patch, or undefined when the foundations change nothing (Talos' defaults stay untouched). */
export function machineFoundationsPatch(foundations: MachineFoundations | undefined): Record<string, unknown> | undefined {
  if (!foundations || (!foundations.cni && foundations.hostpathBase === undefined)) return undefined;
  const cluster = foundations.cni ? { network: { cni: { name: "none" } }, proxy: { disabled: true } } : undefined;
  const machine =
    foundations.hostpathBase === undefined
      ? undefined
      : {
          kubelet: {
            extraMounts: [
              {
                destination: foundations.hostpathBase,
                type: "bind",
                source: foundations.hostpathBase,
                options: ["bind", "rshared", "rw"],
              },
            ],
          },
        };
  return { ...(machine ? { machine } : {}), ...(cluster ? { cluster } : {}) };
}
