import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { toolchain } from "../../versions";

/**
 * tools/toolchain/install.sh's contract (its header), on an empty cache with Go kept off PATH so
 * nothing is built: an operator's binary of the pinned version is linked into the cache, a second
 * run does nothing, and a tool that cannot be installed fails with one line naming it.
 */

const repoRoot = path.resolve(__dirname, "..", "..");
const { version } = toolchain.actionlint;
let tmp: string;
let fakeBin: string;

/** A stand-in `actionlint` on PATH reporting `reported` (only the version probe is exercised). */
function fakeActionlint(reported: string): void {
  fs.writeFileSync(path.join(fakeBin, "actionlint"), `#!/bin/sh\necho ${reported}\necho "installed by building from source"\n`, { mode: 0o755 });
}

function install(...args: string[]) {
  return spawnSync("bash", [path.join(repoRoot, "tools", "toolchain", "install.sh"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    // No Go here: a build attempt fails fast instead of compiling.
    env: { HOME: tmp, HOME_PLATFORM_TOOLS: path.join(tmp, "cache"), PATH: `${fakeBin}:${path.dirname(process.execPath)}:/usr/bin:/bin` },
  });
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "toolchain-"));
  fakeBin = path.join(tmp, "bin");
  fs.mkdirSync(fakeBin);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("a binary on PATH that reports the pinned version is linked into the cache; the second run is a no-op", () => {
  fakeActionlint(version);
  const first = install("actionlint");
  expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: "" });
  expect(first.stdout).toBe(`toolchain: actionlint ${version} from PATH (${path.join(fakeBin, "actionlint")})\n`);
  const linked = path.join(tmp, "cache", "actionlint", version, "bin", "actionlint");
  expect(fs.readlinkSync(linked)).toBe(path.join(fakeBin, "actionlint"));

  const second = install("actionlint");
  expect({ status: second.status, stdout: second.stdout, stderr: second.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
});

test("a binary of another version is not used; a build that cannot run fails with one line naming tool and version", () => {
  fakeActionlint("v1.6.0");
  const run = install("actionlint");
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^toolchain: cannot install actionlint ${version.replace(/\./g, "\\.")}: .*go: (command )?not found.* \\(log: .*\\.log\\)$`));
  expect(fs.existsSync(path.join(tmp, "cache", "actionlint", version))).toBe(false);
});

test("a tool versions.ts does not pin fails with one line", () => {
  const run = install("no-such-tool");
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 1, stderr: "toolchain: cannot install no-such-tool: versions.ts has no toolchain.no-such-tool\n" });
});

test("--list names every pinned tool with its version and cache directory", () => {
  const run = install("--list");
  expect(run.status).toBe(0);
  expect(run.stdout.trim().split("\n").map((l) => l.split(" ").slice(0, 2).join(" "))).toEqual(
    Object.entries(toolchain).map(([tool, pin]) => `${tool} ${pin.version}`),
  );
});
