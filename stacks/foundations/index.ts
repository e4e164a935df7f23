import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformNamespace } from "../../components/platform-namespace";
import { ciliumNamespace, envoyGatewayNamespace, gatewayListeners, openebsNamespace } from "../../config/foundations-names";
import type { FoundationsConfig } from "../../config/schema";
import { workloadRequest, type WorkloadRequest } from "../../lib/capacity";
import { pinnedRelease } from "../building-blocks/helm-release";
import { privilegedReasons } from "../../lib/pod-security";
import { createNetworkPolicies } from "../building-blocks/network-policy";
import { charts } from "../../versions";
import { ciliumResources, ciliumValues } from "./cilium-values";
import { envoyProxy, gatewayClass, gatewayObject } from "./gateway-objects";
import { ipPools, l2AnnouncementPolicy } from "./load-balancer";
import { envoyGatewayPolicies, openebsPolicies } from "./network-policies";
import type { FoundationsGateway } from "./public";
import { localPvValues, provisionerResources } from "./storage-values";

/**
 * The foundations layer: Cilium (CNI, kube-proxy replacement, LB-IPAM, L2 announcements), then —
 * once every node is Ready — OpenEBS LocalPV hostpath as the default StorageClass and Envoy Gateway
 * with the `internal` Gateway. The platform stacks depend on this component, so they start only
 * when volumes can bind, LoadBalancer Services get addresses and routes have listeners.
 *
 * Other stacks use what `storageClassName` and `gateway` say, and the names in public.ts.
 */

export * from "./public";

export interface FoundationsStackArgs {
  readonly config: FoundationsConfig;
  readonly nodeCount: number;
  /** Node network and pod/service ranges: where the API server is reached from pods. */
  readonly apiCidrs: readonly string[];
  readonly kubePrismPort: number;
  /**
   * Creates the cluster health check (`talosctl health`, every node Ready) after the given
   * resources: the CNI, when this layer installs it (TalosCluster.healthCheck).
   */
  readonly healthCheck: (after: readonly pulumi.Resource[]) => pulumi.Resource;
}

/** The chart's own defaults for the controller, set explicitly so the capacity table counts them. */
const envoyGatewayResources = { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1024Mi" } } as const;

export class FoundationsStack extends pulumi.ComponentResource {
  /** The default StorageClass this layer creates; undefined when storage is off (the cluster's own default applies). */
  readonly storageClassName?: string;
  readonly gateway?: FoundationsGateway;
  /** `talosctl health` after the CNI: nodes are Ready. */
  readonly health: pulumi.Resource;
  readonly workloadRequests: WorkloadRequest[];

  constructor(name: string, args: FoundationsStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("home-platform:foundations:FoundationsStack", name, {}, opts);
    const { config } = args;
    const child = { parent: this };
    const requests: WorkloadRequest[] = [];

    let cilium: k8s.helm.v3.Release | undefined;
    if (config.cni.enabled) {
      // kube-system: Talos exempts it from pod security; the agent needs host networking and
      // NET_ADMIN/SYS_ADMIN, which no Pod Security level short of privileged allows.
      cilium = pinnedRelease(
        `${name}-cilium`,
        {
          releaseName: "cilium",
          namespace: ciliumNamespace,
          pin: charts.cilium,
          values: ciliumValues({ config, nodeCount: args.nodeCount, kubePrismPort: args.kubePrismPort }),
        },
        child,
      );
      requests.push(workloadRequest("foundations", "cilium-agent", "perNode", ciliumResources.agent));
      requests.push(workloadRequest("foundations", "cilium-operator", Math.min(2, args.nodeCount), ciliumResources.operator));
      if (config.loadBalancer.enabled) {
        // The operator registers the CRDs at start; the release waits for it to be ready.
        const afterCilium = { parent: this, dependsOn: [cilium] };
        for (const pool of ipPools(config)) new k8s.apiextensions.CustomResource(`${name}-pool-${pool.metadata.name}`, pool, afterCilium);
        new k8s.apiextensions.CustomResource(`${name}-l2-announcement`, l2AnnouncementPolicy(config), afterCilium);
      }
    }

    this.health = args.healthCheck(cilium ? [cilium] : []);
    const afterHealth = { parent: this, dependsOn: [this.health] };

    if (config.storage.enabled) {
      const namespace = new PlatformNamespace(
        `${name}-openebs`,
        {
          name: openebsNamespace,
          podSecurity: "privileged",
          privilegedReason: privilegedReasons.localPv,
        },
        afterHealth,
      );
      createNetworkPolicies(`${name}-openebs`, namespace.name, openebsPolicies(args.apiCidrs), { parent: this, dependsOn: [namespace] });
      pinnedRelease(
        `${name}-localpv`,
        { releaseName: "openebs-localpv", namespace: namespace.name, pin: charts.localpvProvisioner, values: localPvValues(config.storage) },
        { parent: this, dependsOn: [namespace] },
      );
      requests.push(workloadRequest("foundations", "localpv-provisioner", 1, provisionerResources));
      this.storageClassName = config.storage.className;
    }

    // Envoy Gateway runs only when a Gateway is configured and on.
    const gateway = config.gateway?.enabled ? config.gateway : undefined;
    if (gateway) {
      // baseline, Talos' default: the controller and proxies need no host access, but not every
      // pod the chart renders (certgen) declares what restricted requires.
      const controller = new PlatformNamespace(`${name}-envoy-gateway`, { name: envoyGatewayNamespace, podSecurity: "baseline" }, afterHealth);
      createNetworkPolicies(`${name}-envoy-gateway`, controller.name, envoyGatewayPolicies(gateway, args.apiCidrs), { parent: this, dependsOn: [controller] });
      // The Gateway object's namespace holds no pods: default-deny alone.
      const gatewayNamespace = new PlatformNamespace(`${name}-gateway`, { name: gateway.namespace, podSecurity: "restricted" }, afterHealth);
      const envoyGateway = pinnedRelease(
        `${name}-envoy-gateway`,
        {
          releaseName: "envoy-gateway",
          namespace: controller.name,
          pin: charts.envoyGateway,
          // The pod-topology webhook only adds zone labels; without it the API server never calls into this namespace.
          values: { topologyInjector: { enabled: false }, deployment: { envoyGateway: { resources: envoyGatewayResources } } },
        },
        { parent: this, dependsOn: [controller] },
      );
      requests.push(workloadRequest("foundations", "envoy-gateway", 1, envoyGatewayResources));
      const afterRelease = { parent: this, dependsOn: [envoyGateway, gatewayNamespace] };
      const proxy = new k8s.apiextensions.CustomResource(`${name}-envoy-proxy`, envoyProxy(gateway), afterRelease);
      const gatewayClassResource = new k8s.apiextensions.CustomResource(`${name}-gateway-class`, gatewayClass(), afterRelease);
      new k8s.apiextensions.CustomResource(`${name}-gateway`, gatewayObject(gateway), { parent: this, dependsOn: [proxy, gatewayClassResource] });
      this.gateway = {
        name: gateway.name,
        namespace: gateway.namespace,
        proxyNamespace: envoyGatewayNamespace,
        address: gateway.address,
        listeners: gatewayListeners,
        hostname: gateway.hostname,
        https: gateway.hostname !== undefined && gateway.tlsSecretName !== undefined,
      };
    }

    this.workloadRequests = requests;
    this.registerOutputs({ storageClassName: this.storageClassName, gateway: this.gateway, workloadRequests: this.workloadRequests });
  }
}
