import fs from "node:fs";
import path from "node:path";

/**
 * Path inside the shared reference folder (vendored charts, CRDs, notes, test vectors).
 *
 * The folder lives beside the clone rather than inside it, so it is never committed with the
 * project; tests read it in place. `HOME_PLATFORM_SHARED` overrides the location (CI, other
 * layouts). The env var is read on every call so a test can point it elsewhere.
 *
 * Throws when the folder is missing: a test that silently skipped its vectors would pass
 * while checking nothing.
 */
export function sharedDir(...segments: string[]): string {
  const fromEnv = process.env.HOME_PLATFORM_SHARED;
  // This file is tools/, so the repo root is two levels up and `shared` sits beside it.
  const base = fromEnv ? path.resolve(fromEnv) : path.resolve(__dirname, "..", "..", "shared");
  if (!isDirectory(base)) {
    throw new Error(
      `shared reference folder not found at ${base}: set HOME_PLATFORM_SHARED or place shared/ beside the clone`,
    );
  }
  return path.join(base, ...segments);
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
