import * as pulumi from "@pulumi/pulumi";
import type { TalosCluster, TalosClusterArgs } from "../../../../components/talos-cluster";
import type { PlatformConfig } from "../../../../config/schema";
import { installMocks, type Recorder } from "./mocks";

/** A token in the shape the SOPS schema requires; the tests check it never shows in plain text. */
export const fakeApiToken = "pulumi@pve!platform=4f1c2a9e-5b7d-4e0f-9a3c-d8e2b6f10c57";

export interface Rendered {
  readonly recorder: Recorder;
  readonly cluster: TalosCluster;
}

/**
 * Builds the component from parsed stack config under fresh mocks, the way index.ts does, and
 * waits until every resource is registered. The component is imported after the mocks are set.
 */
export async function renderCluster(config: PlatformConfig, extra: Partial<TalosClusterArgs> = {}): Promise<Rendered> {
  const recorder = await installMocks();
  const { TalosCluster } = await import("../../../../components/talos-cluster");
  const cluster = new TalosCluster("cluster", {
    cluster: config.cluster,
    proxmox: config.proxmox,
    proxmoxApiToken: pulumi.secret(fakeApiToken),
    ...extra,
  });
  await new Promise<void>((done) => pulumi.all([cluster.urn, cluster.kubeconfig, cluster.talosconfig]).apply(() => done()));
  await recorder.settle();
  return { recorder, cluster };
}
