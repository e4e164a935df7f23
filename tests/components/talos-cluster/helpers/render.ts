import * as pulumi from "@pulumi/pulumi";
import { TalosCluster, type TalosClusterArgs } from "../../../../components/talos-cluster";
import type { PlatformConfig } from "../../../../config/schema";
import { withMocks, type CapturedResource } from "../../../helpers";

/** A token in the shape the SOPS schema requires; the tests check it never shows in plain text. */
export const fakeApiToken = "pulumi@pve!platform=4f1c2a9e-5b7d-4e0f-9a3c-d8e2b6f10c57";

export interface Rendered {
  /** Everything registered, in order (the root stack first); see tests/helpers. */
  readonly resources: CapturedResource[];
  readonly cluster: TalosCluster;
}

/**
 * Builds the component from parsed stack config on the plan's mock engine, the way index.ts does;
 * returns once every resource is registered and every Output has settled.
 */
export async function renderCluster(config: PlatformConfig, extra: Partial<TalosClusterArgs> = {}): Promise<Rendered> {
  let cluster: TalosCluster | undefined;
  const resources = await withMocks(() => {
    cluster = new TalosCluster("cluster", {
      cluster: config.cluster,
      proxmox: config.proxmox,
      proxmoxApiToken: pulumi.secret(fakeApiToken),
      ...extra,
    });
  });
  if (!cluster) throw new Error("renderCluster: the component was not created");
  return { resources, cluster };
}
