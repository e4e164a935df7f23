/**
 * The part of Grafana's dashboard JSON model our provisioned dashboards set. Each stack defines
 * its own panel shapes (datasources, targets); the dashboard around them is the same everywhere,
 * so Grafana's sidecar loads every stack's dashboards alike.
 */

/** A panel's place on Grafana's 24-column grid. */
export interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface GrafanaDashboard<Panel> {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly schemaVersion: number;
  readonly editable: boolean;
  readonly time: { readonly from: string; readonly to: string };
  readonly refresh: string;
  readonly panels: readonly Panel[];
}
