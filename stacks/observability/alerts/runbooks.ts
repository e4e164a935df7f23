/**
 * Alerts point at a section of runbooks.md next to this file. The path is relative to the
 * repository root, so it reads correctly in Discord and Grafana whatever host the repo lives on;
 * a test checks that every alert has its section.
 */
export const runbookDocument = "stacks/observability/alerts/runbooks.md";

/** `runbooks.md#<alert in lowercase>`: the anchor a Markdown renderer gives a `## <Alert>` heading. */
export function runbookFor(alert: string): string {
  return `${runbookDocument}#${alert.toLowerCase()}`;
}
