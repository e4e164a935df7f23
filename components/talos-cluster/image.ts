import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig, ProxmoxConfig } from "../../config/schema";

/** The Talos disk image for Proxmox: the Image Factory's nocloud build for our schematic. */
export interface TalosImage {
  readonly url: string;
  /** `.img`: Proxmox before 8.4 refuses `.raw` names in the iso store. */
  readonly fileName: string;
}

export function talosImage(cluster: Pick<ClusterConfig, "schematicId" | "talosVersion">): TalosImage {
  return {
    url: `https://factory.talos.dev/image/${cluster.schematicId}/${cluster.talosVersion}/nocloud-amd64.raw.gz`,
    // Version and schematic are in the name so an upgrade downloads a new file next to the old
    // one instead of overwriting a file that existing disks were imported from.
    fileName: `talos-${cluster.talosVersion}-${cluster.schematicId.slice(0, 12)}-nocloud-amd64.img`,
  };
}

/** Hosts that run at least one node, in proxmox.hosts order. Only they need the image. */
export function hostsWithNodes(proxmox: Pick<ProxmoxConfig, "hosts">, cluster: Pick<ClusterConfig, "nodes">) {
  const used = new Set(cluster.nodes.map((node) => node.host));
  return proxmox.hosts.filter((host) => used.has(host.name));
}

/**
 * One download per Proxmox host that runs nodes, named after the host (stable). Changing
 * talosVersion or schematicId changes the URL and file name, so Pulumi downloads the new image
 * and then deletes the old file. Running VMs are unaffected: their disks were copied from the
 * image at creation, and the VM ignores the new file id (vm.ts). Upgrading Talos on existing
 * nodes is `talosctl upgrade` with the installer image; new nodes boot the new image.
 */
export function createImageDownloads(
  name: string,
  cluster: ClusterConfig,
  proxmox: ProxmoxConfig,
  opts: pulumi.CustomResourceOptions,
): Map<string, proxmoxve.download.File> {
  const image = talosImage(cluster);
  const downloads = new Map<string, proxmoxve.download.File>();
  for (const host of hostsWithNodes(proxmox, cluster)) {
    downloads.set(
      host.name,
      new proxmoxve.download.File(
        `${name}-image-${host.name}`,
        {
          nodeName: host.name,
          datastoreId: host.imageDatastore,
          // `iso` content with gz decompression: Proxmox stores the raw disk, and VMs copy it
          // through `disks[].fileId` (`importFrom` cannot take a decompressed download).
          contentType: "iso",
          url: image.url,
          fileName: image.fileName,
          decompressionAlgorithm: "gz",
          // Never re-download because the factory's response size differs: the file is pinned
          // by version in its name, and a re-download would try to replace a file in use.
          overwrite: false,
          uploadTimeout: 1_800,
        },
        opts,
      ),
    );
  }
  return downloads;
}
