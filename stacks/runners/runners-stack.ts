import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformNamespace } from "../../components/platform-namespace";
import type { RunnersConfig } from "../../config/schema";
import { withVolumes, workloadRequest, type WorkloadRequest } from "../../lib/capacity";
import { pinnedRelease } from "../building-blocks/helm-release";
import { createNetworkPolicies } from "../building-blocks/network-policy";
import { privilegedReasons } from "../../lib/pod-security";
import { charts } from "../../versions";
import { runnerNetworkPolicies } from "./network";
import { registrationJobSpec, registrationPodLabels, registrationRoleRules, tokenKey } from "./registration";
import { objectNames, releaseName } from "./public";
import { runnerValues } from "./values";

export interface RunnersStackArgs {
  /** The validated `home-platform:runners` section. */
  readonly config: RunnersConfig;
  /** Registration token from the SOPS file. Stored in one Kubernetes Secret only; marked secret here if it is not already. */
  readonly registrationToken: pulumi.Input<string>;
  /**
   * The node network and the pod and service CIDRs. CI jobs never reach them (not even a node
   * network on public addresses), and the registration Job reaches the API server only there (the
   * control-plane nodes and the `kubernetes` Service's ClusterIP). Empty or unset: jobs are still
   * kept out of every non-public range, and the API server is looked for in the private ranges.
   */
  readonly nodePodAndServiceCidrs?: readonly string[];
}

/**
 * Forgejo Actions runners for the configured forge: the wrenix chart with a docker-in-docker
 * sidecar, in a privileged namespace whose pods may reach DNS and the internet but nothing inside
 * the home network, registered by a Job of ours so the token never enters Helm values.
 */
export class RunnersStack extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** Runner and dind requests per replica, from the same objects as the Helm values. */
  readonly workloadRequests: WorkloadRequest[];

  constructor(name: string, args: RunnersStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("home-platform:runners:RunnersStack", name, {}, opts);
    const { config } = args;
    const nodePodAndServiceCidrs = args.nodePodAndServiceCidrs ?? [];
    const policies = runnerNetworkPolicies({
      ports: config.egress.ports,
      allowCidrs: config.egress.allowCidrs,
      nodePodAndServiceCidrs,
      registrationPods: registrationPodLabels,
    });

    const ns = new PlatformNamespace(
      `${name}-namespace`,
      { name: config.namespace, podSecurity: "privileged", privilegedReason: privilegedReasons.runners },
      { parent: this },
    );
    const namespace = ns.name;
    const inNamespace = { parent: this, dependsOn: [ns] };
    const meta = (objectName: string) => ({ name: objectName, namespace, labels: { "app.kubernetes.io/part-of": "home-platform" } });

    const networkPolicies = createNetworkPolicies(name, namespace, policies, inNamespace);

    const registrationSecret = new k8s.core.v1.Secret(
      `${name}-registration-token`,
      {
        metadata: meta(objectNames.registrationSecret),
        type: "Opaque",
        stringData: { [tokenKey]: pulumi.secret(args.registrationToken) },
      },
      inNamespace,
    );
    const credentialsSecret = new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: {
          ...meta(objectNames.credentialsSecret),
          annotations: { "home-platform.dev/filled-by": `job/${objectNames.registrationJob}` },
        },
        type: "Opaque",
      },
      // Created empty so the Job's Role can be limited to this name; the Job fills `.runner` in.
      { ...inNamespace, ignoreChanges: ["data", "stringData"] },
    );

    const runnerAccount = new k8s.core.v1.ServiceAccount(
      `${name}-runner-account`,
      { metadata: meta(objectNames.runnerServiceAccount), automountServiceAccountToken: false },
      inNamespace,
    );
    const registrationAccount = new k8s.core.v1.ServiceAccount(
      `${name}-registration-account`,
      { metadata: meta(objectNames.registrationServiceAccount), automountServiceAccountToken: false },
      inNamespace,
    );
    const role = new k8s.rbac.v1.Role(
      `${name}-registration-role`,
      { metadata: meta(objectNames.registrationServiceAccount), rules: registrationRoleRules() },
      inNamespace,
    );
    const roleBinding = new k8s.rbac.v1.RoleBinding(
      `${name}-registration-binding`,
      {
        metadata: meta(objectNames.registrationServiceAccount),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: registrationAccount.metadata.name, namespace }],
      },
      inNamespace,
    );

    const registration = new k8s.batch.v1.Job(
      `${name}-registration`,
      { metadata: meta(objectNames.registrationJob), spec: registrationJobSpec(config) },
      {
        parent: this,
        dependsOn: [ns, ...networkPolicies, registrationSecret, credentialsSecret, roleBinding],
      },
    );

    pinnedRelease(
      `${name}-release`,
      { releaseName, namespace, pin: charts.forgejoRunner, values: runnerValues(config) },
      // The pods mount `.runner` from the credentials Secret, so they start only after registration.
      { parent: this, dependsOn: [ns, ...networkPolicies, runnerAccount, registration] },
    );

    this.namespace = namespace;
    this.workloadRequests = [
      workloadRequest("runners", "forgejo-runner", config.replicas, config.resources),
      withVolumes(workloadRequest("runners", "forgejo-runner-dind", config.replicas, config.dind.resources), config.dind.storageSize),
    ];
    this.registerOutputs({ namespace: this.namespace, workloadRequests: this.workloadRequests });
  }
}
