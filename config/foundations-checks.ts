import { cidrBounds, hasHostBits } from "../lib/cidr";
import { ciliumNamespace, envoyGatewayNamespace, gatewayListeners, openebsNamespace } from "./foundations-names";
import { ipv4ToNumber, type FoundationsConfig } from "./schema/foundations";

/**
 * Rules between `foundations` and the rest of the config: the addresses the load balancer hands
 * out, the Gateway the syslog routes attach to, and the StorageClass the volumes name. Each
 * problem is reported at the key an operator has to change.
 */

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

export interface FoundationsCheckedConfig {
  readonly cluster: {
    readonly vip?: string;
    readonly network: { readonly cidr: string; readonly gateway: string };
    readonly nodes: readonly { readonly ip: string }[];
  };
  readonly foundations: FoundationsConfig;
  readonly observability: {
    readonly namespace: string;
    readonly logsNamespace: string;
    readonly storageClass?: string;
    readonly grafana: { readonly hostname?: string };
    readonly victoriaLogs: {
      readonly syslog:
        | { readonly type: "loadBalancer"; readonly address: string }
        | {
            readonly type: "gateway";
            readonly address: string;
            readonly gatewayName: string;
            readonly gatewayNamespace: string;
            readonly tcpListener: string;
            readonly udpListener: string;
            readonly proxyNamespace?: string;
          };
    };
  };
  readonly runners: { readonly enabled: boolean; readonly namespace: string; readonly dind: { readonly storageClass?: string } };
  readonly security: { readonly namespace: string };
}

/**
 * The Gateway's namespace is created by this layer with its own pod-security level and default
 * deny; sharing it with a stack's namespace would create one namespace twice.
 */
export function checkFoundationNamespaces(config: FoundationsCheckedConfig, report: Report): void {
  const gateway = config.foundations.gateway;
  if (!gateway?.enabled) return;
  const taken: [string, string][] = [
    [envoyGatewayNamespace, "Envoy Gateway's own namespace"],
    [openebsNamespace, "the LocalPV namespace"],
    [ciliumNamespace, "Cilium's namespace"],
    [config.observability.namespace, "observability.namespace"],
    [config.observability.logsNamespace, "observability.logsNamespace"],
    [config.security.namespace, "security.namespace"],
    ...(config.runners.enabled ? [[config.runners.namespace, "runners.namespace"] as [string, string]] : []),
  ];
  const clash = taken.find(([name]) => name === gateway.namespace);
  if (clash) report(["foundations", "gateway", "namespace"], `"${gateway.namespace}" is already ${clash[1]}; the Gateway gets a namespace of its own`);
}

/** An address range as numbers, first to last inclusive. */
interface Range {
  readonly first: number;
  readonly last: number;
  readonly text: string;
}

function blockRange(block: FoundationsConfig["loadBalancer"]["pools"][number]["blocks"][number]): Range {
  if ("cidr" in block) {
    const { network, broadcast } = cidrBounds(block.cidr);
    return { first: ipv4ToNumber(network), last: ipv4ToNumber(broadcast), text: block.cidr };
  }
  return { first: ipv4ToNumber(block.start), last: ipv4ToNumber(block.stop), text: `${block.start}-${block.stop}` };
}

const inRange = (range: Range, address: string) => ipv4ToNumber(address) >= range.first && ipv4ToNumber(address) <= range.last;

/** Every pool block with its config path. */
function poolBlocks(foundations: FoundationsConfig) {
  return foundations.loadBalancer.pools.flatMap((pool, poolIndex) =>
    pool.blocks.map((block, blockIndex) => ({ pool: pool.name, path: ["foundations", "loadBalancer", "pools", poolIndex, "blocks", blockIndex], range: blockRange(block) })),
  );
}

/** Pools lie inside the node network, clear of its network/broadcast address, the router, node IPs and the VIP, and of each other. */
export function checkLoadBalancerPools(config: FoundationsCheckedConfig, report: Report): void {
  const { foundations, cluster } = config;
  if (foundations.loadBalancer.enabled && !foundations.cni.enabled) {
    report(["foundations", "loadBalancer", "enabled"], "Cilium LB-IPAM needs foundations.cni.enabled; set loadBalancer.enabled: false when another load balancer assigns addresses");
  }
  if (!foundations.loadBalancer.enabled) return;
  if (hasHostBits(cluster.network.cidr)) return; // reported by the node-address rule
  const { network, broadcast } = cidrBounds(cluster.network.cidr);
  const node: Range = { first: ipv4ToNumber(network), last: ipv4ToNumber(broadcast), text: cluster.network.cidr };
  const claimed: [string, string][] = [
    [cluster.network.gateway, "cluster.network.gateway"],
    ...cluster.nodes.map((n, i): [string, string] => [n.ip, `cluster.nodes[${i}].ip`]),
    ...(cluster.vip ? [[cluster.vip, "cluster.vip"] as [string, string]] : []),
  ];
  const blocks = poolBlocks(foundations);
  blocks.forEach(({ path, range }, index) => {
    if (range.first < node.first || range.last > node.last) {
      report(path, `${range.text} is outside the node network ${cluster.network.cidr} (cluster.network.cidr); L2 announcements only answer on that network`);
      return;
    }
    for (const edge of [network, broadcast]) {
      if (inRange(range, edge)) report(path, `${range.text} includes ${edge}, the network or broadcast address of ${cluster.network.cidr}`);
    }
    for (const [address, key] of claimed) {
      if (inRange(range, address)) report(path, `${range.text} includes ${address}, already used by ${key}`);
    }
    for (const earlier of blocks.slice(0, index)) {
      if (range.first <= earlier.range.last && earlier.range.first <= range.last) {
        report(path, `${range.text} overlaps ${earlier.path.join(".").replace(/\.(\d+)/g, "[$1]")} (${earlier.range.text}); one address, one pool`);
      }
    }
  });
}

/** The pool an address is in, if any. */
function poolOf(foundations: FoundationsConfig, address: string): string | undefined {
  return poolBlocks(foundations).find(({ range }) => inRange(range, address))?.pool;
}

/** LoadBalancer addresses (the Gateway's, syslog's) come from a pool, and no two Services want the same one. */
export function checkLoadBalancerAddresses(config: FoundationsCheckedConfig, report: Report): void {
  const { foundations } = config;
  const syslog = config.observability.victoriaLogs.syslog;
  const gateway = foundations.gateway?.enabled ? foundations.gateway : undefined;
  const wanted: { path: Path; address: string }[] = [
    ...(gateway ? [{ path: ["foundations", "gateway", "address"], address: gateway.address }] : []),
    ...(syslog.type === "loadBalancer" ? [{ path: ["observability", "victoriaLogs", "syslog", "address"], address: syslog.address }] : []),
  ];
  if (foundations.loadBalancer.enabled) {
    for (const { path, address } of wanted) {
      if (!poolOf(foundations, address)) {
        const pools = foundations.loadBalancer.pools.map((pool) => pool.name).join(", ") || "none";
        report(path, `${address} is in no foundations.loadBalancer pool (pools: ${pools}); its Service would wait for an address forever`);
      }
    }
  }
  if (wanted.length === 2 && wanted[0].address === wanted[1].address) {
    report(wanted[1].path, `${wanted[1].address} is already foundations.gateway.address; two LoadBalancer Services cannot hold one address`);
  }
}

/**
 * With the foundations Gateway, the syslog routes must name it and its listeners, or they attach
 * to nothing; Grafana's hostname is the Gateway's.
 */
export function checkGatewayReferences(config: FoundationsCheckedConfig, report: Report): void {
  const gateway = config.foundations.gateway;
  if (!gateway?.enabled) return;
  const syslog = config.observability.victoriaLogs.syslog;
  if (syslog.type === "gateway") {
    const at = (key: string): Path => ["observability", "victoriaLogs", "syslog", key];
    const expectations: [string, string | undefined, string, string][] = [
      ["gatewayName", syslog.gatewayName, gateway.name, "foundations.gateway.name"],
      ["gatewayNamespace", syslog.gatewayNamespace, gateway.namespace, "foundations.gateway.namespace"],
      ["address", syslog.address, gateway.address, "foundations.gateway.address"],
      ["tcpListener", syslog.tcpListener, gatewayListeners.syslogTcp, "the foundations Gateway's TCP listener"],
      ["udpListener", syslog.udpListener, gatewayListeners.syslogUdp, "the foundations Gateway's UDP listener"],
      ["proxyNamespace", syslog.proxyNamespace ?? syslog.gatewayNamespace, envoyGatewayNamespace, "where Envoy Gateway runs the proxies"],
    ];
    for (const [key, actual, wanted, what] of expectations) {
      // A malformed Gateway address is reported by the schema; comparing against it says nothing more.
      if (key === "address" && typeof wanted !== "string") continue;
      if (actual !== wanted) report(at(key), `is "${actual}" but must be "${wanted}" (${what}); the syslog routes would attach to nothing`);
    }
  }
  const grafanaHostname = config.observability.grafana.hostname;
  if (grafanaHostname !== undefined && gateway.hostname !== undefined && grafanaHostname !== gateway.hostname) {
    report(["observability", "grafana", "hostname"], `is "${grafanaHostname}" but the Gateway serves Grafana at foundations.gateway.hostname "${gateway.hostname}"; drop one of them`);
  }
}

/** The hostpath base must be a clean path under /var, and the volumes must name the class that exists. */
export function checkStorage(config: FoundationsCheckedConfig, report: Report): void {
  const storage = config.foundations.storage;
  if (!storage.enabled) return;
  const path = storage.basePath;
  const segments = path.split("/").slice(1);
  if (!path.startsWith("/var/") || segments.some((segment) => segment === "" || segment === "." || segment === "..")) {
    report(["foundations", "storage", "basePath"], `"${path}" must be a normalised absolute path under /var/ (Talos' root is read-only elsewhere), like /var/openebs/local`);
  }
  const classes: [Path, string | undefined, boolean][] = [
    [["observability", "storageClass"], config.observability.storageClass, true],
    [["runners", "dind", "storageClass"], config.runners.dind.storageClass, config.runners.enabled],
  ];
  for (const [at, name, applies] of classes) {
    if (applies && name !== undefined && name !== storage.className) {
      report(at, `"${name}" is not foundations.storage.className ("${storage.className}"), the only StorageClass this program creates; leave it unset to use it`);
    }
  }
}
