/** tools/shared-path.ts: where tests, the live helpers and the bench find the shared reference folder. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sharedDir } from "../../tools/shared-path";
import { repoRoot } from "../lib/sops/helpers";

const saved = process.env.HOME_PLATFORM_SHARED;
afterEach(() => {
  if (saved === undefined) delete process.env.HOME_PLATFORM_SHARED;
  else process.env.HOME_PLATFORM_SHARED = saved;
});

test("defaults to the shared/ folder beside the clone", () => {
  delete process.env.HOME_PLATFORM_SHARED;
  const expected = path.resolve(repoRoot, "..", "shared");
  // The conformance suite may run with HOME_PLATFORM_SHARED pointing elsewhere and nothing beside
  // the clone: then the default is what the error names.
  if (!fs.existsSync(expected)) {
    expect(() => sharedDir()).toThrow(`shared reference folder not found at ${expected}:`);
    return;
  }
  expect(sharedDir()).toBe(expected);
  expect(sharedDir("vectors", "sops")).toBe(path.join(expected, "vectors", "sops"));
});

test("HOME_PLATFORM_SHARED overrides the location", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hp-shared-"));
  try {
    process.env.HOME_PLATFORM_SHARED = dir;
    expect(sharedDir("a", "b.txt")).toBe(path.join(dir, "a", "b.txt"));
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("a missing folder is a clear error, not a silent skip", () => {
  const missing = path.join(os.tmpdir(), "hp-shared-does-not-exist");
  process.env.HOME_PLATFORM_SHARED = missing;
  expect(() => sharedDir("vectors")).toThrow(
    `shared reference folder not found at ${missing}: set HOME_PLATFORM_SHARED or place shared/ beside the clone`,
  );
});
