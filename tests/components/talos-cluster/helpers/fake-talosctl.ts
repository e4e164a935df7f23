import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * A stand-in for talosctl (fake-talosctl.sh) that records every call (arguments, the file
 * behind `--file`, the talosconfig behind `--talosconfig` and its permissions) and refuses flags
 * the real talosctl does not have. The flag sets are from siderolabs/talos `cmd/talosctl/cmd/talos/{apply-config,
 * bootstrap,health,service}.go` and the global flags in `cmd/talosctl/cmd/talos/root.go`.
 */
const fakeTalosctl = fs.readFileSync(path.join(__dirname, "fake-talosctl.sh"), "utf8");

export interface FakeCall {
  readonly args: string[];
  /** Content read through `--file`, if any. */
  readonly file?: string;
  /** Content of the `--talosconfig` file at call time, and its `ls -l` mode. */
  readonly talosconfig?: string;
  readonly talosconfigMode?: string;
}

export interface ScriptRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: FakeCall[];
  /** Files left in the script's TMPDIR afterwards. */
  readonly leftovers: string[];
}

export interface FakeBehaviour {
  /** Exit code of each successive call (default 0). */
  readonly exitCodes?: number[];
  /** stderr of each successive call, by 1-based call number. */
  readonly outputs?: Record<number, string>;
  /** stdout of each successive call, by 1-based call number. */
  readonly stdouts?: Record<number, string>;
}

export function runScript(script: string, env: Record<string, string>, stdin: string, behaviour: FakeBehaviour = {}): ScriptRun {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "talosctl-test-"));
  try {
    const fakeDir = path.join(root, "fake");
    const tmpDir = path.join(root, "tmp");
    fs.mkdirSync(fakeDir);
    fs.mkdirSync(tmpDir);
    const binary = path.join(root, "talosctl");
    fs.writeFileSync(binary, fakeTalosctl, { mode: 0o755 });
    fs.writeFileSync(path.join(fakeDir, "exit-codes"), (behaviour.exitCodes ?? []).join("\n"));
    for (const [call, output] of Object.entries(behaviour.outputs ?? {})) fs.writeFileSync(path.join(fakeDir, `output-${call}`), output);
    for (const [call, output] of Object.entries(behaviour.stdouts ?? {})) fs.writeFileSync(path.join(fakeDir, `stdout-${call}`), output);

    const result = spawnSync("/bin/sh", ["-c", script], {
      input: stdin,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TMPDIR: tmpDir, FAKE_DIR: fakeDir, TALOSCTL: binary, ...env },
      timeout: 20_000,
    });
    const count = Number(fs.existsSync(path.join(fakeDir, "count")) ? fs.readFileSync(path.join(fakeDir, "count"), "utf8") : 0);
    const read = (file: string) => (fs.existsSync(path.join(fakeDir, file)) ? fs.readFileSync(path.join(fakeDir, file), "utf8") : undefined);
    const calls = Array.from({ length: count }, (_, index) => {
      const prefix = `call-${index + 1}`;
      return {
        args: (read(`${prefix}.args`) ?? "").split("\n").slice(0, -1),
        file: read(`${prefix}.file`),
        talosconfig: read(`${prefix}.talosconfig`),
        talosconfigMode: read(`${prefix}.mode`)?.trim(),
      };
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls, leftovers: fs.readdirSync(tmpDir) };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** `sh -n`: parses the script without running it. */
export function shellSyntaxErrors(script: string): string {
  const result = spawnSync("/bin/sh", ["-n", "-c", script], { encoding: "utf8" });
  return result.status === 0 ? "" : result.stderr || `exit ${result.status}`;
}
