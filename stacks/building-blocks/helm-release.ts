import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ChartPin } from "../../versions";

export interface PinnedReleaseArgs {
  /** Helm release name, also the prefix of the chart's object names. */
  readonly releaseName: string;
  readonly namespace: pulumi.Input<string>;
  readonly pin: ChartPin;
  /** Values built from typed objects; secret leaves stay secret Outputs. */
  readonly values: pulumi.Input<Record<string, unknown>>;
  /** Minutes to wait for the release to become ready. Defaults to 10. */
  readonly timeoutMinutes?: number;
  /** Skip the chart's crds/ directory (its CRDs come from their own release). */
  readonly skipCrds?: boolean;
  /** Adopt existing objects this release renders (Helm's --take-ownership) instead of failing on them. */
  readonly takeOwnership?: boolean;
}

/**
 * A Helm release of a pinned chart. helm.v3.Release (not v4.Chart) because it is a real Helm
 * release: `helm list`/rollback work, hooks run, and the values are one reviewable input.
 */
export function pinnedRelease(name: string, args: PinnedReleaseArgs, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
  const isOci = args.pin.repository.startsWith("oci://");
  return new k8s.helm.v3.Release(
    name,
    {
      name: args.releaseName,
      namespace: args.namespace,
      chart: isOci ? `${args.pin.repository}/${args.pin.chart}` : args.pin.chart,
      version: args.pin.version,
      repositoryOpts: isOci ? undefined : { repo: args.pin.repository },
      values: args.values,
      // Roll back a failed upgrade instead of leaving a half-applied release behind.
      atomic: true,
      cleanupOnFail: true,
      timeout: (args.timeoutMinutes ?? 10) * 60,
      // The namespace is ours (labelled for pod security), never created by Helm.
      createNamespace: false,
      ...(args.skipCrds ? { skipCrds: true } : {}),
      ...(args.takeOwnership ? { takeOwnership: true } : {}),
    },
    opts,
  );
}
