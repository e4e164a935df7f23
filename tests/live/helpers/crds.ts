import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { sharedDir } from "../../../tools/shared-path";
import type { ControlPlane } from "./control-plane";
import { toolPath } from "../../../tools/toolchain/paths";

/**
 * The CustomResourceDefinitions our objects need, at the versions the pinned charts ship. One
 * entry per source; add one when the platform gains a chart whose CRDs our objects use.
 * `operator` means the prometheus-operator binary at kube-prometheus-stack's appVersion
 * (`operator full-crds` prints the CRDs it embeds, the ones the chart carries); `shared` lists
 * files or folders under the shared reference folder's reference/crds/; `written` is a CRD whose
 * upstream publishes no file, written out here from its source.
 */
export const crdSources: readonly { readonly what: string; readonly operator?: true; readonly shared?: readonly string[]; readonly written?: object }[] = [
  { what: "monitoring.coreos.com, prometheus-operator v0.93.1 (kube-prometheus-stack 88.5.3)", operator: true },
  { what: "cilium.io TracingPolicy, cluster and namespaced (tetragon 1.7.0)", shared: ["cilium.io_tracingpolicies.yaml", "cilium.io_tracingpoliciesnamespaced.yaml"] },
  { what: "Gateway API v1.6.1 standard channel, TCPRoute/UDPRoute at v1 (Envoy Gateway v1.9.0)", shared: ["envoy-gateway-v1.9.0/gateway-api-v1.6.1-standard"] },
  { what: "velero.io v1.18.1, the velero chart 12.1.0's crds/", shared: ["velero-v1.18.1"] },
  { what: "talos.dev ServiceAccount, installed by Talos v1.13.9 when kubernetesTalosAPIAccess is on", written: talosServiceAccountCrd() },
  { what: "EnvoyProxy (Envoy Gateway v1.9.0, foundations)", shared: ["envoy-gateway-v1.9.0/envoy-gateway/gateway.envoyproxy.io_envoyproxies.yaml"] },
  // cilium-operator registers these at start; v1.19.4's files, whose LB-IPAM/L2 schemas equal 1.20's (notes/foundations.md §1.2).
  { what: "CiliumLoadBalancerIPPool, CiliumL2AnnouncementPolicy (Cilium 1.20.0, foundations)", shared: ["cilium-1.19.4/ciliumloadbalancerippools.yaml", "cilium-1.19.4/ciliuml2announcementpolicies.yaml"] },
];

export function crdManifests(): string[] {
  const manifests: string[] = [];
  for (const source of crdSources) {
    if (source.operator) {
      const operator = spawnSync(toolPath("prometheus-operator", "operator"), ["full-crds"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
      if (operator.status !== 0) throw new Error(`prometheus-operator full-crds failed: ${operator.stderr.trim().split("\n").pop()}`);
      manifests.push(operator.stdout);
    }
    for (const entry of source.shared ?? []) {
      const file = sharedDir("reference", "crds", entry);
      const files = fs.statSync(file).isDirectory()
        ? fs.readdirSync(file).filter((f) => f.endsWith(".yaml")).sort().map((f) => path.join(file, f))
        : [file];
      manifests.push(...files.map((f) => fs.readFileSync(f, "utf8")));
    }
    if (source.written) manifests.push(YAML.stringify(source.written));
  }
  return manifests;
}

/**
 * `serviceaccounts.talos.dev` as Talos v1.13.9 registers it (machined's kubeaccess controller;
 * the schema Talos renders: namespaced, v1alpha1, `spec.roles: string[]`, `status.failureReason`).
 * No file of it is published, so its facts are written out here.
 */
function talosServiceAccountCrd(): object {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "serviceaccounts.talos.dev" },
    spec: {
      group: "talos.dev",
      names: { kind: "ServiceAccount", listKind: "ServiceAccountList", plural: "serviceaccounts", singular: "serviceaccount", shortNames: ["tsa"] },
      scope: "Namespaced",
      versions: [
        {
          name: "v1alpha1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: { type: "object", properties: { roles: { type: "array", items: { type: "string" } } } },
                status: { type: "object", properties: { failureReason: { type: "string" } } },
              },
            },
          },
        },
      ],
    },
  };
}

/** Server-side applies the CRDs and waits until every one is Established. */
export function installCrds(cp: ControlPlane): string[] {
  const applied = cp.kubectlOk(["apply", "--server-side", "--field-manager=live-suite", "-o", "name", "-f", "-"], crdManifests().join("\n---\n"));
  const names = applied.split("\n").filter((line) => line.startsWith("customresourcedefinition"));
  cp.kubectlOk(["wait", "--for=condition=Established", "--timeout=120s", ...names]);
  return names.map((name) => name.slice(name.indexOf("/") + 1));
}
