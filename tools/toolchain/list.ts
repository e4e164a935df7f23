/**
 * Prints the toolchain pins of versions.ts as shell assignments for install.sh to `eval`:
 * TC_TOOLS (the tools in order) and TC_<tool>_<field> for each field (tool names with `-` become
 * `_`). Values are single-quoted so nothing in them is expanded by the shell.
 */
import { toolchain } from "../../versions";

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
const lines: string[] = [`TC_TOOLS=${quote(Object.keys(toolchain).join(" "))}`];
for (const [tool, pin] of Object.entries(toolchain)) {
  const prefix = `TC_${tool.replace(/-/g, "_")}_`;
  for (const [field, value] of Object.entries(pin)) {
    lines.push(`${prefix}${field}=${quote(Array.isArray(value) ? value.join(" ") : String(value))}`);
  }
}
process.stdout.write(lines.join("\n") + "\n");
