import { z } from "zod";
import { dnsLabel, expected, ipv4, positiveInt } from "./primitives";

/** A Proxmox VE node VMs can be placed on, with the capacity the sizing check counts against. */
export const proxmoxHost = z.strictObject({
  /** Proxmox node name, as `nodeName` in the API ("pve01"). */
  name: dnsLabel,
  /** Address the provider's SSH client uses for this node. */
  address: ipv4,
  /** Physical cores VMs may use; VM cores placed on the host must not exceed it. */
  cpuCores: positiveInt,
  /** Memory VMs may use, in MiB, after what Proxmox itself needs. */
  memoryMiB: positiveInt,
  /** Datastore that receives the Talos image download. Defaults to "local". */
  imageDatastore: z.string().min(1).default("local"),
});

export const proxmoxSchema = z.strictObject({
  /** API endpoint, e.g. https://10.88.140.151:8006. */
  endpoint: z.url({ protocol: /^https$/, error: expected("must be an https:// URL like https://10.88.140.151:8006") }),
  /** Accept the self-signed certificate Proxmox ships with. Defaults to false. */
  insecure: z.boolean().default(false),
  /** SSH settings the provider needs for some operations under an API token. */
  ssh: z
    .strictObject({
      /** Defaults to "root". */
      username: z.string().min(1).default("root"),
      /** Use the workstation's ssh-agent. Defaults to true. */
      agent: z.boolean().default(true),
    })
    .prefault({}),
  hosts: z.array(proxmoxHost).min(1, { error: expected("must list at least one Proxmox host") }),
});

export type ProxmoxConfig = z.infer<typeof proxmoxSchema>;
export type ProxmoxHostConfig = z.infer<typeof proxmoxHost>;
