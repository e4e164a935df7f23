import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot, workflowNames, workflowPath } from "./workflow-files";

/** yamllint (Debian package `yamllint`, installed by CI) with the repository's own config. */

const config = path.join(repoRoot, ".yamllint.yaml");

function yamllint(...files: string[]): { status: number; output: string } {
  const result = spawnSync("yamllint", ["-s", "-f", "parsable", "-c", config, ...files], { encoding: "utf8" });
  if (result.error && (result.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new Error("yamllint is not installed: run `apt-get install -y yamllint` (CI installs it)");
  }
  if (result.error) throw result.error;
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

describe("yamllint", () => {
  it("passes the workflows and its own config without warnings", () => {
    const result = yamllint(...workflowNames.map(workflowPath), config);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  it("rejects a sloppy file with the same config, so the check above can fail", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "yamllint-"));
    try {
      const file = path.join(dir, "bad.yaml");
      fs.writeFileSync(file, "on:\n  push:\n      branches: [main]   \nkey: yes\nkey: no\n");
      const result = yamllint(file);
      expect(result.status).not.toBe(0);
      for (const rule of ["trailing-spaces", "indentation", "truthy", "key-duplicates"]) expect(result.output).toContain(`(${rule})`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
