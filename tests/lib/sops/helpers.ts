/** Shared by the sops tests: where the upstream vectors are, temp dirs, and error assertions. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SopsError, type SopsErrorCode } from "../../../lib/sops";
import { sharedDir } from "../../../tools/shared-path";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");

/** A file of shared/vectors/sops (throws a clear error when the shared folder is missing). */
export function vector(...segments: string[]): string {
  return sharedDir("vectors", "sops", ...segments);
}

export function readVector(...segments: string[]): string {
  return fs.readFileSync(vector(...segments), "utf8");
}

/** The single identity line of a published vector key file. */
export function identityIn(...segments: string[]): string {
  const line = readVector(...segments).split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-"));
  if (!line) throw new Error(`no identity in ${segments.join("/")}`);
  return line.trim();
}

const made: string[] = [];
/** A fresh temp dir, removed after the test file. Tests never touch the real HOME. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hp-sops-"));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Runs `fn`, requires a SopsError with `code`, and returns it for more checks. */
export async function sopsError(fn: () => unknown, code: SopsErrorCode): Promise<SopsError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SopsError);
  expect((caught as SopsError).code).toBe(code);
  return caught as SopsError;
}
