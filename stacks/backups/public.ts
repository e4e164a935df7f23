/**
 * The backups stack's public surface: what the program and other components may rely on.
 * Everything else under stacks/backups/ is internal.
 */
import type { BackupsConfig } from "../../config/schema";
import { etcdBackupRole } from "./names";

/** What the Talos machine config must allow for the etcd snapshots (control planes only). */
export interface TalosApiAccess {
  readonly roles: readonly string[];
  readonly namespaces: readonly string[];
}

/**
 * The Talos API access the backups need, from config alone, so the cluster (created before this
 * stack) can carry it in its machine config. Undefined when etcd snapshots are off.
 */
export function talosApiAccessFor(config: BackupsConfig): TalosApiAccess | undefined {
  if (!config.enabled || !config.etcd.enabled) return undefined;
  return { roles: [etcdBackupRole], namespaces: [config.etcd.namespace] };
}
