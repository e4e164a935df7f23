import type { ResourceRule, Violation } from "./types";

/**
 * `stateful-resources-protected` (mandatory): resources whose deletion loses data have
 * `protect: true`, so a refactor that renames or drops them fails instead of destroying a node
 * disk, a bucket of metrics blocks or a volume.
 */
export const statefulTypes: Readonly<Record<string, string>> = {
  "proxmoxve:index/vmLegacy:VmLegacy": "a Talos node VM (its disk holds etcd)",
  "proxmoxve:index/vm:Vm": "a Talos node VM (its disk holds etcd)",
  "aws:s3/bucket:Bucket": "an S3 bucket",
  "aws:s3/bucketV2:BucketV2": "an S3 bucket",
  "kubernetes:core/v1:PersistentVolumeClaim": "a persistent volume claim",
};

export const statefulResourcesProtected: ResourceRule = {
  kind: "resource",
  name: "stateful-resources-protected",
  description: "Node VMs, S3 buckets and PersistentVolumeClaims are created with protect: true.",
  enforcement: "mandatory",
  check(resource): Violation[] {
    const what = statefulTypes[resource.type];
    if (what === undefined || resource.protect) return [];
    return [{ message: `${resource.name} is ${what} without protect: true; deleting it loses data` }];
  },
};
