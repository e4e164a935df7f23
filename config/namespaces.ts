/**
 * Namespaces whose names follow from other config keys when not set. The config rules
 * (config/checks.ts) validate the names these produce, so the stacks can use them without
 * checking again.
 */

/** The log collector's namespace: `victoriaLogs.collectorNamespace`, or `<logsNamespace>-collector`. */
export function collectorNamespaceName(logsNamespace: string, configured: string | undefined): string {
  return configured ?? `${logsNamespace}-collector`;
}

/** node-exporter's namespace: `prometheus.nodeExporterNamespace`, or `<namespace>-node-exporter`. */
export function nodeExporterNamespaceName(namespace: string, configured: string | undefined): string {
  return configured ?? `${namespace}-node-exporter`;
}
