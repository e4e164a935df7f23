import { cidrBounds, cidrContainsAddress, cidrsOverlap, hasHostBits, normaliseCidr } from "../lib/cidr";
import {
  checkFoundationNamespaces,
  checkGatewayReferences,
  checkLoadBalancerAddresses,
  checkLoadBalancerPools,
  checkStorage,
  type FoundationsCheckedConfig,
} from "./foundations-checks";
import { collectorNamespaceName, nodeExporterNamespaceName } from "./namespaces";

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

export interface CheckedConfig extends Pick<FoundationsCheckedConfig, "foundations"> {
  readonly proxmox: { readonly hosts: readonly { readonly name: string; readonly cpuCores: number; readonly memoryMiB: number }[] };
  readonly cluster: {
    readonly vip?: string;
    readonly network: {
      readonly cidr: string;
      readonly gateway: string;
      readonly nameservers: readonly string[];
      readonly podCidr: string;
      readonly serviceCidr: string;
    };
    readonly nodes: readonly CheckedNode[];
  };
  readonly observability: {
    readonly namespace: string;
    readonly logsNamespace: string;
    readonly prometheus: { readonly nodeExporterNamespace?: string };
    readonly storageClass?: string;
    readonly grafana: { readonly hostname?: string };
    readonly victoriaLogs: { readonly collectorNamespace?: string; readonly syslog: FoundationsCheckedConfig["observability"]["victoriaLogs"]["syslog"] };
  };
  readonly security: { readonly namespace: string };
  readonly runners: {
    readonly enabled: boolean;
    readonly namespace: string;
    readonly labels: readonly string[];
    readonly egress: { readonly allowCidrs: readonly string[] };
    readonly dind: { readonly storageClass?: string };
  };
  readonly backups: { readonly enabled: boolean; readonly namespace: string; readonly etcd: { readonly enabled: boolean; readonly namespace: string } };
}

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

/**
 * One cross-field rule and the config paths it reads ("*" stands for any list index). A rule runs
 * only when no other problem touches what it reads, so a typo elsewhere (say under
 * observability.grafana) cannot hide a duplicate IP, while a malformed node never reaches a rule
 * that would misread it.
 */
export interface CrossFieldCheck {
  readonly reads: readonly (readonly (string | number)[])[];
  readonly run: (config: CheckedConfig, report: Report) => void;
}

const nodes = (...fields: string[]) => fields.map((field) => ["cluster", "nodes", "*", field]);
const hosts = (...fields: string[]) => fields.map((field) => ["proxmox", "hosts", "*", field]);
const addressReads = [["cluster", "network"], ["cluster", "vip"], ...nodes("ip")];
const namespaceReads = [
  ["observability", "namespace"],
  ["observability", "logsNamespace"],
  ["observability", "prometheus", "nodeExporterNamespace"],
  ["observability", "victoriaLogs", "collectorNamespace"],
  ["security", "namespace"],
  ["runners", "enabled"],
  ["runners", "namespace"],
  ["backups"],
];

/**
 * Order matters: a rule that finds duplicate names runs before the rules that look entries up by
 * those names, and its problems make them skip (a duplicate host name would otherwise surface as a
 * misleading capacity or quorum message).
 */
export const crossFieldChecks: readonly CrossFieldCheck[] = [
  { reads: hosts("name"), run: (config, report) => checkUnique(config.proxmox.hosts, ["proxmox", "hosts"], ["name"], report) },
  { reads: nodes("name", "vmId", "ip"), run: (config, report) => checkUnique(config.cluster.nodes, ["cluster", "nodes"], ["name", "vmId", "ip"], report) },
  { reads: [["runners", "labels"]], run: checkUniqueRunnerLabels },
  { reads: addressReads, run: checkNodeAddresses },
  { reads: [...addressReads, ["observability", "victoriaLogs", "syslog"]], run: checkSyslogAddress },
  { reads: nodes("role"), run: (config, report) => checkControlPlaneQuorum(config.cluster.nodes, report) },
  { reads: [...hosts("name", "cpuCores", "memoryMiB"), ...nodes("name", "host", "cores", "memoryMiB")], run: checkHostPlacementAndCapacity },
  { reads: [...hosts("name"), ...nodes("name", "role", "host")], run: checkControlPlaneSpread },
  { reads: namespaceReads, run: checkNamespaces },
  { reads: [["runners", "egress", "allowCidrs"], ["cluster", "network"]], run: checkRunnerAllowCidrs },
  // Foundations (config/foundations-checks.ts).
  { reads: [...addressReads, ["foundations", "cni"], ["foundations", "loadBalancer"]], run: checkLoadBalancerPools },
  {
    reads: [["foundations", "cni"], ["foundations", "loadBalancer"], ["foundations", "gateway", "enabled"], ["foundations", "gateway", "address"], ["observability", "victoriaLogs", "syslog"]],
    run: checkLoadBalancerAddresses,
  },
  {
    // Not foundations.gateway.address: an address in no pool must not hide a route naming another Gateway.
    reads: [...["enabled", "name", "namespace", "hostname"].map((key) => ["foundations", "gateway", key]), ["observability", "victoriaLogs", "syslog"], ["observability", "grafana", "hostname"]],
    run: checkGatewayReferences,
  },
  { reads: [["foundations", "storage"], ["observability", "storageClass"], ["runners", "enabled"], ["runners", "dind", "storageClass"]], run: checkStorage },
  { reads: [["foundations", "gateway", "enabled"], ["foundations", "gateway", "namespace"], ...namespaceReads], run: checkFoundationNamespaces },
];

/**
 * True when an issue's path and a read path overlap: one is a prefix of the other (a missing
 * `cluster` section breaks every node rule; a bad `cluster.nodes[2].ip` breaks the IP rules).
 */
export function touches(issuePath: readonly PropertyKey[], read: readonly (string | number)[]): boolean {
  const length = Math.min(issuePath.length, read.length);
  for (let i = 0; i < length; i++) {
    if (read[i] !== "*" && read[i] !== issuePath[i]) return false;
  }
  return true;
}

/** The paths an issue says are malformed: an unknown key is reported at its parent, but only the key itself is wrong. */
export function issuePaths(issue: { code?: string; path?: readonly PropertyKey[]; keys?: readonly string[] }): PropertyKey[][] {
  // A raw issue still bubbling up may carry no path yet: that is the root, which touches everything.
  const path = issue.path ?? [];
  if (issue.code === "unrecognized_keys" && issue.keys) return issue.keys.map((key) => [...path, key]);
  return [[...path]];
}

/** Each of `fields` must be unique across `list`; later entries are reported against the first. */
function checkUnique<Entry extends object>(list: readonly Entry[], at: Path, fields: readonly (keyof Entry & string)[], report: Report): void {
  const where = at.join(".");
  for (const field of fields) {
    const firstIndex = new Map<unknown, number>();
    list.forEach((entry, index) => {
      const value = entry[field];
      const earlier = firstIndex.get(value);
      if (earlier === undefined) firstIndex.set(value, index);
      else report([...at, index, field], `duplicates ${where}[${earlier}].${field} (${String(value)})`);
    });
  }
}

/**
 * Workflows pick a runner by label name (`runs-on: docker`): two labels with one name but
 * different images would make the image a job gets depend on the runner's order.
 */
function checkUniqueRunnerLabels(config: CheckedConfig, report: Report): void {
  const firstIndex = new Map<string, number>();
  config.runners.labels.forEach((label, index) => {
    const name = label.split(":")[0];
    const earlier = firstIndex.get(name);
    if (earlier === undefined) firstIndex.set(name, index);
    else report(["runners", "labels", index], `label name "${name}" duplicates runners.labels[${earlier}]`);
  });
}

/**
 * Every namespace the platform creates, with the key that names it, resolved as the stacks resolve
 * them. Each must be a valid name and belong to one purpose only: two stacks creating one namespace
 * fail on the second create, and the privileged namespaces exist so that everything else can run
 * under restricted pod security.
 */
function checkNamespaces(config: CheckedConfig, report: Report): void {
  const { observability, security, runners, backups } = config;
  const collector = collectorNamespaceName(observability.logsNamespace, observability.victoriaLogs.collectorNamespace);
  const nodeExporter = nodeExporterNamespaceName(observability.namespace, observability.prometheus.nodeExporterNamespace);
  const derived = [
    { path: ["observability", "victoriaLogs", "collectorNamespace"], name: collector, configured: observability.victoriaLogs.collectorNamespace, from: "observability.logsNamespace" },
    { path: ["observability", "prometheus", "nodeExporterNamespace"], name: nodeExporter, configured: observability.prometheus.nodeExporterNamespace, from: "observability.namespace" },
  ];
  for (const { path, name, configured, from } of derived) {
    // A configured name is a dnsLabel already; only the default derived from another key can be too long.
    if (configured === undefined && name.length > 63) {
      report(path, `defaults to "${name}" (from ${from}), which is longer than 63 characters; set a shorter name`);
    }
  }
  const namespaces: { path: Path; name: string }[] = [
    { path: ["observability", "namespace"], name: observability.namespace },
    { path: ["observability", "logsNamespace"], name: observability.logsNamespace },
    { path: derived[0].path, name: collector },
    { path: derived[1].path, name: nodeExporter },
    { path: ["security", "namespace"], name: security.namespace },
    ...(runners.enabled ? [{ path: ["runners", "namespace"], name: runners.namespace }] : []),
    ...(backups.enabled ? [{ path: ["backups", "namespace"], name: backups.namespace }] : []),
    ...(backups.enabled && backups.etcd.enabled ? [{ path: ["backups", "etcd", "namespace"], name: backups.etcd.namespace }] : []),
  ];
  const owner = new Map<string, Path>();
  for (const { path, name } of namespaces) {
    const earlier = owner.get(name);
    if (earlier === undefined) owner.set(name, path);
    else report(path, `"${name}" is already ${earlier.join(".")}; each namespace has one purpose (pod security level, NetworkPolicies), so pick another name`);
  }
}

/**
 * Private networks opened to CI jobs must not include the cluster's own: that would hand every
 * job the nodes and the API server.
 */
function checkRunnerAllowCidrs(config: CheckedConfig, report: Report): void {
  const { network } = config.cluster;
  const clusterRanges = [
    ["cluster.network.cidr", network.cidr],
    ["cluster.network.podCidr", network.podCidr],
    ["cluster.network.serviceCidr", network.serviceCidr],
  ] as const;
  config.runners.egress.allowCidrs.forEach((allow, index) => {
    for (const [key, range] of clusterRanges) {
      if (cidrsOverlap(allow, range)) {
        report(
          ["runners", "egress", "allowCidrs", index],
          `${normaliseCidr(allow)} overlaps ${key} (${range}); CI jobs must not reach the cluster's own nodes and services`,
        );
      }
    }
  });
}

/** The node network's address rules, or not ok when the CIDR has host bits set. */
function nodeNetwork(cidr: string) {
  const { network: networkAddress, broadcast, prefix } = cidrBounds(cidr);
  if (hasHostBits(cidr)) return { ok: false as const, networkAddress, prefix };
  const usability = (address: string): string | undefined => {
    if (!cidrContainsAddress(cidr, address)) return `${address} is outside the node network ${cidr} (cluster.network.cidr)`;
    if (address === networkAddress || address === broadcast) return `${address} is the network or broadcast address of ${cidr}`;
    return undefined;
  };
  return { ok: true as const, usability };
}

/** Addresses the cluster already claims, first owner wins: gateway, node IPs, then the VIP. */
function claimedAddresses(cluster: CheckedConfig["cluster"]): Map<string, string> {
  const taken = new Map<string, string>([[cluster.network.gateway, "cluster.network.gateway"]]);
  cluster.nodes.forEach((node, index) => {
    if (!taken.has(node.ip)) taken.set(node.ip, `cluster.nodes[${index}].ip`);
  });
  if (cluster.vip && !taken.has(cluster.vip)) taken.set(cluster.vip, "cluster.vip");
  return taken;
}

function checkNodeAddresses(config: CheckedConfig, report: Report): void {
  const { network, nodes, vip } = config.cluster;
  const net = nodeNetwork(network.cidr);
  if (!net.ok) {
    report(["cluster", "network", "cidr"], `has host bits set; did you mean ${net.networkAddress}/${net.prefix}?`);
    return;
  }
  const assertUsable = (path: Path, address: string) => {
    const problem = net.usability(address);
    if (problem) report(path, problem);
  };
  assertUsable(["cluster", "network", "gateway"], network.gateway);
  nodes.forEach((node, index) => {
    assertUsable(["cluster", "nodes", index, "ip"], node.ip);
    if (node.ip === network.gateway) report(["cluster", "nodes", index, "ip"], `is the gateway address (${node.ip})`);
  });
  if (vip) {
    assertUsable(["cluster", "vip"], vip);
    const owner = claimedAddresses({ ...config.cluster, vip: undefined }).get(vip);
    if (owner) report(["cluster", "vip"], `${vip} is already used by ${owner}`);
  }
}

/** A LoadBalancer syslog address is one more address on the node network that nothing else may hold. */
function checkSyslogAddress(config: CheckedConfig, report: Report): void {
  const syslog = config.observability.victoriaLogs.syslog;
  if (syslog.type !== "loadBalancer") return;
  const net = nodeNetwork(config.cluster.network.cidr);
  if (!net.ok) return; // reported once, by checkNodeAddresses
  const path = ["observability", "victoriaLogs", "syslog", "address"];
  const problem = net.usability(syslog.address);
  if (problem) report(path, problem);
  const owner = claimedAddresses(config.cluster).get(syslog.address);
  if (owner) report(path, `${syslog.address} is already used by ${owner}`);
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
