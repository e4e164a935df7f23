import type { FoundationsConfig } from "../../config/schema";

/**
 * Cilium LB-IPAM pools and the L2 announcement policy, as plain objects (CRD schemas:
 * cilium.io_ciliumloadbalancerippools v2, cilium.io_ciliuml2announcementpolicies v2alpha1).
 * Cilium's operator registers these CRDs at start, so the objects are created after its release.
 */

export interface CiliumObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: Record<string, unknown>;
}

export function ipPools(config: FoundationsConfig): CiliumObject[] {
  return config.loadBalancer.pools.map((pool) => ({
    apiVersion: "cilium.io/v2",
    kind: "CiliumLoadBalancerIPPool",
    metadata: { name: pool.name },
    // No serviceSelector: every LoadBalancer Service may draw from every pool; which address it
    // gets is fixed by its lbipam.cilium.io/ips annotation.
    spec: { blocks: pool.blocks.map((block) => ({ ...block })) },
  }));
}

/**
 * Answer ARP for every LoadBalancer address on the node interfaces from config. One node holds
 * the lease per Service; with externalTrafficPolicy Local only a node that runs a backend can
 * serve it (cilium#27800), which is why the Gateway's proxy Service uses Cluster.
 */
export function l2AnnouncementPolicy(config: FoundationsConfig): CiliumObject {
  return {
    apiVersion: "cilium.io/v2alpha1",
    kind: "CiliumL2AnnouncementPolicy",
    metadata: { name: "lan" },
    spec: { loadBalancerIPs: true, externalIPs: false, interfaces: [...config.cni.l2Interfaces] },
  };
}
