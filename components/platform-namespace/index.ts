import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { enforceLabel, type PodSecurityLevel, privilegedReasonAnnotation } from "../../lib/pod-security";

export type { PodSecurityLevel } from "../../lib/pod-security";

export interface PlatformNamespaceArgs {
  /** Namespace name. */
  readonly name: string;
  /** Enforced level. `privileged` only with a reason, which is recorded as an annotation. */
  readonly podSecurity: PodSecurityLevel;
  /** Why the namespace needs `privileged` (required for that level; shown to reviewers and the policy pack). */
  readonly privilegedReason?: string;
  /** Extra labels, e.g. for NetworkPolicy namespace selectors. */
  readonly labels?: Record<string, string>;
  /**
   * The namespace holds PersistentVolumeClaims (data that outlives pods). Deleting a namespace
   * deletes every claim in it, and a rename is a delete, so such a namespace is `protect`ed (a
   * destroy or rename fails until someone unprotects it on purpose) and `retainOnDelete` (once
   * unprotected, Pulumi forgets it instead of deleting it; removing it is then a deliberate
   * `kubectl delete namespace`). Default false: most namespaces hold nothing worth keeping.
   */
  readonly holdsState?: boolean;
}

/** Label every platform namespace carries, so policies and selectors can find them. */
export const platformNamespaceLabel = "home-platform.dev/managed";

/**
 * A namespace with pod-security labels, a default-deny NetworkPolicy and an allow for DNS.
 * Every flow beyond DNS is an explicit NetworkPolicy written by the stack that needs it, so a
 * reviewer can read each permitted connection in the plan.
 */
export class PlatformNamespace extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;
  readonly namespace: k8s.core.v1.Namespace;

  constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("home-platform:kubernetes:PlatformNamespace", name, {}, opts);
    if (args.podSecurity === "privileged" && !args.privilegedReason) {
      throw new pulumi.ResourceError(`namespace ${args.name}: privileged pod security needs a privilegedReason`, this);
    }
    const child = { parent: this };

    this.namespace = new k8s.core.v1.Namespace(
      name,
      {
        metadata: {
          name: args.name,
          labels: {
            ...args.labels,
            [platformNamespaceLabel]: "true",
            [enforceLabel]: args.podSecurity,
            "pod-security.kubernetes.io/enforce-version": "latest",
            // Warn and audit at restricted everywhere, so drift towards privilege is visible.
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
          },
          annotations: args.privilegedReason ? { [privilegedReasonAnnotation]: args.privilegedReason } : undefined,
        },
      },
      args.holdsState ? { ...child, protect: true, retainOnDelete: true } : child,
    );
    this.name = this.namespace.metadata.name;
    const namespaceOpts = { parent: this, dependsOn: [this.namespace] };

    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      {
        metadata: { name: "default-deny", namespace: this.name },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      },
      namespaceOpts,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-dns`,
      {
        metadata: { name: "allow-dns", namespace: this.name },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                },
              ],
              ports: [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
              ],
            },
          ],
        },
      },
      namespaceOpts,
    );

    this.registerOutputs({ name: this.name });
  }
}
