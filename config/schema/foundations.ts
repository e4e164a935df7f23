import { z } from "zod";
import { dnsLabel, expected, ipv4 } from "./primitives";

/**
 * `home-platform:foundations`: what the cluster needs before any platform stack can work — a CNI
 * that enforces NetworkPolicy, addresses on the LAN for LoadBalancer Services, a Gateway and a
 * default StorageClass. Each part can be turned off for an operator who brings their own
 * (README "Cluster foundations"); the config rules in config/checks.ts then still check what the
 * stacks rely on.
 */

/** A DNS name (RFC 1123 labels, at least two), the only thing a Gateway listener hostname may be here. */
export const dnsName = z
  .string()
  .max(253, { error: "must be at most 253 characters" })
  .regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
    error: expected("must be a lowercase DNS name like internal.68cc.io"),
  });

/** An address range for LB-IPAM: a CIDR, or first and last address. */
const poolBlock = z.union(
  [
    z.strictObject({ cidr: z.cidrv4({ error: expected("must be an IPv4 CIDR like 192.168.35.16/28") }) }),
    z.strictObject({ start: ipv4, stop: ipv4 }).refine((block) => ipv4ToNumber(block.start) <= ipv4ToNumber(block.stop), {
      error: "start must not be after stop",
      path: ["stop"],
    }),
  ],
  { error: expected("must be {cidr} or {start, stop}") },
);

export function ipv4ToNumber(address: string): number {
  return address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

const cniSchema = z.strictObject({
  /**
   * Install Cilium as the CNI with kube-proxy replacement (Talos: `cni.name: none`,
   * `proxy.disabled: true`). false: Talos' default (Flannel and kube-proxy) or whatever the node
   * patches set; that CNI must enforce NetworkPolicy, or every policy this program writes is
   * decorative. Defaults to true.
   */
  enabled: z.boolean().default(true),
  /** Hubble flow observability (agent-side only; no relay or UI). Defaults to false. */
  hubble: z.boolean().default(false),
  /**
   * Go regexes of the node interfaces L2 announcements answer ARP on. Defaults to the names a
   * Proxmox VirtIO NIC gets on Talos (eth*, ens*, enp*).
   */
  l2Interfaces: z.array(z.string().min(1)).min(1).default(["^eth[0-9]+$", "^en[ops][0-9a-z]+$"]),
});

const loadBalancerSchema = z.strictObject({
  /**
   * Cilium LB-IPAM pools and an L2 announcement policy (needs foundations.cni). false: another
   * load balancer (MetalLB, kube-vip) hands out the addresses; the Services still carry both
   * projects' fixed-address annotations. Defaults to true.
   */
  enabled: z.boolean().default(true),
  /** Address pools on the node network, away from node IPs, the VIP and the router. */
  pools: z
    .array(
      z.strictObject({
        /** CiliumLoadBalancerIPPool name. */
        name: dnsLabel,
        blocks: z.array(poolBlock).min(1, { error: expected("must list at least one block") }),
      }),
    )
    .default([]),
});

const gatewaySchema = z.strictObject({
  /** Install Envoy Gateway and create this Gateway. false: no Gateway from this program. Defaults to true. */
  enabled: z.boolean().default(true),
  /** Gateway name. Defaults to "internal". */
  name: dnsLabel.default("internal"),
  /** Namespace of the Gateway object (its routes' parentRefs point here). Defaults to "network". */
  namespace: dnsLabel.default("network"),
  /** LoadBalancer address of the Gateway's proxy Service; inside a pool when foundations.loadBalancer is on. */
  address: ipv4,
  /**
   * Hostname the HTTP(S) listeners serve (Grafana). Grafana's root_url follows it. Defaults to
   * none: no HTTP listener, Grafana stays in-cluster.
   */
  hostname: dnsName.optional(),
  /**
   * Secret (in the Gateway's namespace, type kubernetes.io/tls) with the certificate for
   * `hostname`. With it the Gateway also listens on 443 and Grafana's root_url is https://;
   * without it, HTTP only. Defaults to none.
   */
  tlsSecretName: dnsLabel.optional(),
});

const storageSchema = z.strictObject({
  /** Install OpenEBS LocalPV hostpath as the default StorageClass. Defaults to true. */
  enabled: z.boolean().default(true),
  /** StorageClass name. Defaults to "openebs-hostpath". */
  className: dnsLabel.default("openebs-hostpath"),
  /**
   * Node directory the volumes live in. Must be under /var (the rest of Talos' root is read-only);
   * the kubelet gets it as a bind mount on every node. Defaults to /var/openebs/local.
   */
  basePath: z.string().default("/var/openebs/local"),
});

export const foundationsSchema = z.strictObject({
  cni: cniSchema.prefault({}),
  loadBalancer: loadBalancerSchema.prefault({}),
  /** The `internal` Gateway; absent means no Gateway from this program. */
  gateway: gatewaySchema.optional(),
  storage: storageSchema.prefault({}),
});

export type FoundationsConfig = z.infer<typeof foundationsSchema>;
export type GatewayConfig = z.infer<typeof gatewaySchema>;
export type PoolBlock = z.infer<typeof poolBlock>;
