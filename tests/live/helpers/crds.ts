import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { sharedDir } from "../../../lib/shared-path";
import type { ControlPlane } from "./control-plane";
import { toolPath } from "./tools";

/**
 * The CustomResourceDefinitions our objects need, at the versions the pinned charts ship:
 * - monitoring.coreos.com from the prometheus-operator binary at kube-prometheus-stack's appVersion
 *   (`operator full-crds` prints the CRDs it embeds, the same ones the chart's crds/ carries);
 * - cilium.io TracingPolicy (cluster and namespaced) as the tetragon 1.7.0 chart's operator installs them;
 * - Gateway API v1.6.1, standard channel, as Envoy Gateway v1.9.0 bundles it (TCPRoute/UDPRoute are v1 there);
 * - the foundations layer's: EnvoyProxy (gateway.envoyproxy.io, Envoy Gateway v1.9.0's chart), and
 *   CiliumLoadBalancerIPPool and CiliumL2AnnouncementPolicy (cilium-operator registers them; the
 *   v1.19.4 files, whose LB-IPAM/L2 schemas equal 1.20's, reference notes/foundations.md §1.2).
 * All but the first are read from the shared reference folder.
 */
export function crdManifests(): string[] {
  const operator = spawnSync(toolPath("prometheus-operator", "operator"), ["full-crds"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (operator.status !== 0) throw new Error(`prometheus-operator full-crds failed: ${operator.stderr.trim().split("\n").pop()}`);
  const gatewayDir = sharedDir("reference", "crds", "envoy-gateway-v1.9.0", "gateway-api-v1.6.1-standard");
  const files = [
    sharedDir("reference", "crds", "cilium.io_tracingpolicies.yaml"),
    sharedDir("reference", "crds", "cilium.io_tracingpoliciesnamespaced.yaml"),
    ...fs.readdirSync(gatewayDir).filter((f) => f.endsWith(".yaml")).sort().map((f) => path.join(gatewayDir, f)),
    sharedDir("reference", "crds", "envoy-gateway-v1.9.0", "envoy-gateway", "gateway.envoyproxy.io_envoyproxies.yaml"),
    sharedDir("reference", "crds", "cilium-1.19.4", "ciliumloadbalancerippools.yaml"),
    sharedDir("reference", "crds", "cilium-1.19.4", "ciliuml2announcementpolicies.yaml"),
  ];
  return [operator.stdout, ...files.map((file) => fs.readFileSync(file, "utf8"))];
}

/** Server-side applies the CRDs and waits until every one is Established. */
export function installCrds(cp: ControlPlane): string[] {
  const applied = cp.kubectlOk(["apply", "--server-side", "--field-manager=live-suite", "-o", "name", "-f", "-"], crdManifests().join("\n---\n"));
  const names = applied.split("\n").filter((line) => line.startsWith("customresourcedefinition"));
  cp.kubectlOk(["wait", "--for=condition=Established", "--timeout=120s", ...names]);
  return names.map((name) => name.slice(name.indexOf("/") + 1));
}
