import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { toolchain } from "../../versions";

/**
 * Where tools/toolchain/install.sh puts the pinned tools (same default as its header). The live
 * suite never looks on PATH: it runs exactly the pinned builds (an operator's own binaries get
 * there through install.sh, which links them when their versions match).
 */
export function toolsCache(): string {
  return (
    process.env.HOME_PLATFORM_TOOLS ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "home-platform", "tools")
  );
}

export type ToolName = keyof typeof toolchain;

/** The pinned version of a tool, as versions.ts states it. */
export function toolVersion(tool: ToolName): string {
  return (toolchain[tool] as { version: string }).version;
}

/** Absolute path of `binary` from the pinned `tool`; throws one line naming tool and version when it is not installed. */
export function toolPath(tool: ToolName, binary: string = tool): string {
  const pin = toolchain[tool] as { version: string; binaries: readonly string[] } | undefined;
  if (!pin) throw new Error(`toolchain: versions.ts pins no tool named ${tool}`);
  if (!pin.binaries.includes(binary)) throw new Error(`toolchain: ${tool} ${pin.version} builds no binary named ${binary}`);
  const file = path.join(toolsCache(), tool, pin.version, "bin", binary);
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new Error(`toolchain: ${tool} ${pin.version} is not installed (${file}); run tools/toolchain/install.sh ${tool}`);
  }
  return file;
}

/** PULUMI_HOME holding the plugins install.sh installed from the local builds. */
export function pulumiHome(): string {
  return path.join(toolsCache(), "pulumi-home");
}
