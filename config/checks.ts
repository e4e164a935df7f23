import * as ipaddr from "ipaddr.js";
import type { z } from "zod";

/**
 * Rules that span several keys. Each problem is reported at the path of the value an operator
 * has to change, and names the other value it clashes with, so one line is enough to fix it.
 */

interface CheckedNode {
  readonly name: string;
  readonly vmId: number;
  readonly role: "controlplane" | "worker";
  readonly host: string;
  readonly ip: string;
  readonly cores: number;
  readonly memoryMiB: number;
}

interface CheckedConfig {
  readonly proxmox: { readonly hosts: readonly { readonly name: string; readonly cpuCores: number; readonly memoryMiB: number }[] };
  readonly cluster: {
    readonly vip?: string;
    readonly network: { readonly cidr: string; readonly gateway: string; readonly nameservers: readonly string[] };
    readonly nodes: readonly CheckedNode[];
  };
  readonly observability: { readonly victoriaLogs: { readonly syslog: { readonly type: string; readonly address: string } } };
}

type Path = (string | number)[];

export function crossFieldChecks(config: CheckedConfig, ctx: z.RefinementCtx): void {
  const report = (path: Path, message: string) => ctx.addIssue({ code: "custom", path, message });
  checkUniqueNodeFields(config.cluster.nodes, report);
  checkAddresses(config, report);
  checkControlPlaneQuorum(config.cluster.nodes, report);
  checkHostPlacementAndCapacity(config, report);
  checkControlPlaneSpread(config, report);
}

type Report = (path: Path, message: string) => void;

function checkUniqueNodeFields(nodes: readonly CheckedNode[], report: Report): void {
  for (const field of ["name", "vmId", "ip"] as const) {
    const firstIndex = new Map<string | number, number>();
    nodes.forEach((node, index) => {
      const value = node[field];
      const earlier = firstIndex.get(value);
      if (earlier === undefined) firstIndex.set(value, index);
      else report(["cluster", "nodes", index, field], `duplicates cluster.nodes[${earlier}].${field} (${value})`);
    });
  }
}

function checkAddresses(config: CheckedConfig, report: Report): void {
  const { network, nodes, vip } = config.cluster;
  const [subnet, prefix] = ipaddr.IPv4.parseCIDR(network.cidr);
  const networkAddress = ipaddr.IPv4.networkAddressFromCIDR(network.cidr).toString();
  if (subnet.toString() !== networkAddress) {
    report(["cluster", "network", "cidr"], `has host bits set; did you mean ${networkAddress}/${prefix}?`);
    return;
  }
  const broadcast = ipaddr.IPv4.broadcastAddressFromCIDR(network.cidr).toString();
  const assertUsable = (path: Path, address: string) => {
    if (!ipaddr.IPv4.parse(address).match(subnet, prefix)) {
      report(path, `${address} is outside the node network ${network.cidr} (cluster.network.cidr)`);
    } else if (address === networkAddress || address === broadcast) {
      report(path, `${address} is the network or broadcast address of ${network.cidr}`);
    }
  };

  assertUsable(["cluster", "network", "gateway"], network.gateway);
  const taken = new Map<string, string>([[network.gateway, "cluster.network.gateway"]]);
  nodes.forEach((node, index) => {
    assertUsable(["cluster", "nodes", index, "ip"], node.ip);
    if (node.ip === network.gateway) report(["cluster", "nodes", index, "ip"], `is the gateway address (${node.ip})`);
    if (!taken.has(node.ip)) taken.set(node.ip, `cluster.nodes[${index}].ip`);
  });

  const claimUnique = (path: Path, key: string, address: string) => {
    assertUsable(path, address);
    const owner = taken.get(address);
    if (owner) report(path, `${address} is already used by ${owner}`);
    else taken.set(address, key);
  };
  if (vip) claimUnique(["cluster", "vip"], "cluster.vip", vip);
  const syslog = config.observability.victoriaLogs.syslog;
  if (syslog.type === "loadBalancer") {
    claimUnique(["observability", "victoriaLogs", "syslog", "address"], "observability.victoriaLogs.syslog.address", syslog.address);
  }
}

function checkControlPlaneQuorum(nodes: readonly CheckedNode[], report: Report): void {
  const controlPlanes = nodes.filter((node) => node.role === "controlplane").length;
  if (controlPlanes === 0) {
    report(["cluster", "nodes"], "needs at least one node with role controlplane");
  } else if (controlPlanes % 2 === 0) {
    report(["cluster", "nodes"], `has ${controlPlanes} control-plane nodes; etcd needs an odd number (1, 3 or 5) to keep quorum`);
  }
}

function checkHostPlacementAndCapacity(config: CheckedConfig, report: Report): void {
  const hosts = new Map(config.proxmox.hosts.map((host, index) => [host.name, { host, index, cores: 0, memoryMiB: 0, vms: [] as string[] }]));
  config.cluster.nodes.forEach((node, index) => {
    const placed = hosts.get(node.host);
    if (!placed) {
      const known = [...hosts.keys()].join(", ");
      report(["cluster", "nodes", index, "host"], `unknown Proxmox host "${node.host}" (home-platform:proxmox.hosts has: ${known})`);
      return;
    }
    placed.cores += node.cores;
    placed.memoryMiB += node.memoryMiB;
    placed.vms.push(node.name);
  });
  for (const { host, index, cores, memoryMiB, vms } of hosts.values()) {
    if (cores > host.cpuCores) {
      report(["proxmox", "hosts", index, "cpuCores"], `host ${host.name} offers ${host.cpuCores} cores but its VMs (${vms.join(", ")}) ask for ${cores}`);
    }
    if (memoryMiB > host.memoryMiB) {
      report(["proxmox", "hosts", index, "memoryMiB"], `host ${host.name} offers ${host.memoryMiB} MiB but its VMs (${vms.join(", ")}) ask for ${memoryMiB} MiB`);
    }
  }
}

/**
 * With more than one Proxmox host, losing one host must not lose etcd quorum: no host may hold
 * a majority of the control planes. A single control plane, or a single host, has no quorum to
 * protect, so those layouts pass.
 */
function checkControlPlaneSpread(config: CheckedConfig, report: Report): void {
  const controlPlanes = config.cluster.nodes.filter((node) => node.role === "controlplane");
  if (config.proxmox.hosts.length < 2 || controlPlanes.length < 3) return;
  const majority = Math.floor(controlPlanes.length / 2) + 1;
  const perHost = new Map<string, string[]>();
  for (const node of controlPlanes) perHost.set(node.host, [...(perHost.get(node.host) ?? []), node.name]);
  // Two hosts cannot split three (or five) control planes without one holding a majority.
  const remedy =
    config.proxmox.hosts.length >= 3
      ? "spread them over the Proxmox hosts"
      : "with two hosts one of them always holds a majority: run one control plane, or add a third host";
  for (const [host, names] of perHost) {
    if (names.length >= majority) {
      report(
        ["cluster", "nodes"],
        `control planes ${names.join(", ")} are on host ${host}: ${names.length} of ${controlPlanes.length} is a quorum majority, so losing ${host} stops the cluster; ${remedy}`,
      );
    }
  }
}
