/**
 * The real Pulumi CLI (versions.ts toolchain.pulumi) on a file backend in a temp folder, with the
 * passphrase secrets provider and the committed stack files. It proves what the CLI itself does
 * with them; `pulumi preview`/`up` of the program cannot run here (no nodejs language host and no
 * random/tls/command/proxmoxve plugin can be built from the Go module proxy: README, "Live suite").
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseStackConfig } from "../../../config/parse";
import { rawStackConfig, stackConfig, project } from "../../helpers/stack-config";
import { toolPath } from "../../../tools/toolchain/paths";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
let tmp: string;
let env: NodeJS.ProcessEnv;

function pulumi(cwd: string, ...args: string[]) {
  const run = spawnSync(toolPath("pulumi"), [...args, "--non-interactive"], { cwd, env, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed: ${run.stderr.trim()}`);
  return run.stdout;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "live-pulumi-"));
  fs.mkdirSync(path.join(tmp, "state"));
  env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`,
    PULUMI_HOME: path.join(tmp, "home"),
    PULUMI_CONFIG_PASSPHRASE: "live-suite-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  // A copy of the project and stack files: `stack init` writes the passphrase salt into the stack
  // file, which must not touch the committed one.
  fs.mkdirSync(path.join(tmp, "project"));
  for (const file of ["Pulumi.yaml", "Pulumi.home.yaml", "Pulumi.lab.yaml"]) {
    fs.copyFileSync(path.join(repoRoot, file), path.join(tmp, "project", file));
  }
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.each(["home", "lab"] as const)("stack %s", (stack) => {
  let config: Record<string, { value: string; objectValue?: unknown; secret: boolean }>;
  beforeAll(() => {
    pulumi(path.join(tmp, "project"), "stack", "init", stack, "--secrets-provider", "passphrase");
    config = JSON.parse(pulumi(path.join(tmp, "project"), "config", "--json", "--stack", stack));
  });

  test("the CLI hands the program exactly the config the tests' stack-file reader simulates", () => {
    const cliRaw = Object.fromEntries(Object.entries(config).map(([key, entry]) => [key, entry.value]));
    expect(Object.keys(cliRaw).sort()).toEqual(Object.keys(rawStackConfig(stack)).sort());
    // Same parsed platform config: every component and mock test starts from stackConfig().
    expect(parseStackConfig(project, cliRaw)).toEqual(stackConfig(stack));
  });

  test("no config value is a Pulumi secret: secrets come from SOPS files, decrypted in-process", () => {
    expect(Object.entries(config).filter(([, entry]) => entry.secret)).toEqual([]);
  });

  test("a fresh stack's state names the passphrase provider and the CLI release", () => {
    const state = JSON.parse(pulumi(path.join(tmp, "project"), "stack", "export", "--stack", stack));
    expect(state.deployment.secrets_providers.type).toBe("passphrase");
    expect(state.deployment.manifest.version).toBe(toolPathVersion());
  });
});

function toolPathVersion(): string {
  return spawnSync(toolPath("pulumi"), ["version"], { env, encoding: "utf8" }).stdout.trim();
}
