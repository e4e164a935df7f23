import * as fs from "node:fs";
import * as path from "node:path";
import { backupAlertGroups } from "../../stacks/backups/alerts";

/**
 * docs/restore.md is only useful if its commands run at the versions we pin. No velero or talosctl
 * binary is available to the tests, so every `velero`, `talosctl` and `age` command in the
 * runbook's code blocks is checked against the flags those CLIs define at the pinned versions,
 * written down here from their sources:
 *   velero v1.18.1 (the chart 12.1.0's appVersion): pkg/cmd/cli/{backup,restore,schedule,backuplocation}/*.go,
 *     global flags pkg/client/factory.go and pkg/cmd/velero/velero.go;
 *   talosctl v1.13.9: cmd/talosctl/cmd/talos/{bootstrap,etcd,reset,service}.go, global flags root.go;
 *   age v1 (filippo.io/age cmd/age).
 */

interface CommandSpec {
  /** Long flags, without dashes. */
  readonly flags: readonly string[];
  /** One-letter flags. */
  readonly short?: readonly string[];
  /** Number of positional arguments allowed: [min, max]. */
  readonly args: readonly [number, number];
}

const veleroGlobal = { flags: ["kubeconfig", "kubecontext", "namespace", "features", "colorized"], short: ["n"] };
const veleroOutput = ["output", "label-columns", "show-labels", "selector"];
const talosGlobal = { flags: ["talosconfig", "nodes", "endpoints", "cluster", "context", "siderov1-keys-dir"], short: ["n", "e", "c"] };

const velero: Record<string, CommandSpec> = {
  "backup get": { flags: veleroOutput, short: ["o", "l"], args: [0, 99] },
  "backup describe": { flags: ["selector", "details", "insecure-skip-tls-verify", "cacert", "output"], short: ["l", "o"], args: [0, 99] },
  "backup logs": { flags: ["timeout", "insecure-skip-tls-verify", "cacert"], args: [1, 1] },
  "backup create": {
    flags: [
      "ttl", "include-namespaces", "exclude-namespaces", "include-resources", "exclude-resources", "include-cluster-scoped-resources",
      "exclude-cluster-scoped-resources", "include-namespace-scoped-resources", "exclude-namespace-scoped-resources", "labels", "annotations",
      "storage-location", "volume-snapshot-locations", "selector", "or-selector", "ordered-resources", "csi-snapshot-timeout",
      "item-operation-timeout", "snapshot-volumes", "snapshot-move-data", "include-cluster-resources", "default-volumes-to-fs-backup",
      "resource-policies-configmap", "data-mover", "parallel-files-upload", "wait", "from-schedule",
    ],
    short: ["l", "w"],
    // The name is optional with --from-schedule.
    args: [0, 1],
  },
  "restore create": {
    flags: [
      "from-backup", "from-schedule", "include-namespaces", "exclude-namespaces", "namespace-mappings", "labels", "annotations",
      "include-resources", "exclude-resources", "existing-resource-policy", "status-include-resources", "status-exclude-resources", "selector",
      "or-selector", "item-operation-timeout", "restore-volumes", "preserve-nodeports", "include-cluster-resources", "allow-partially-failed",
      "wait", "resource-modifier-configmap", "write-sparse-files", "parallel-files-download",
    ],
    short: ["l", "w"],
    args: [0, 1],
  },
  "restore describe": { flags: ["selector", "details", "insecure-skip-tls-verify", "cacert"], short: ["l"], args: [0, 99] },
  "restore logs": { flags: ["timeout", "insecure-skip-tls-verify", "cacert"], args: [1, 1] },
  "restore get": { flags: veleroOutput, short: ["o", "l"], args: [0, 99] },
  "schedule get": { flags: veleroOutput, short: ["o", "l"], args: [0, 99] },
  "backup-location get": { flags: [...veleroOutput, "default"], short: ["o", "l"], args: [0, 99] },
};

const talosctl: Record<string, CommandSpec> = {
  bootstrap: { flags: ["recover-from", "recover-skip-hash-check"], args: [0, 0] },
  "etcd snapshot": { flags: [], args: [1, 1] },
  "etcd members": { flags: [], args: [0, 0] },
  "etcd status": { flags: [], args: [0, 0] },
  reset: { flags: ["graceful", "reboot", "insecure", "wipe-mode", "user-disks-to-wipe", "system-labels-to-wipe", "wait", "debug", "timeout"], args: [0, 0] },
  service: { flags: [], args: [0, 2] },
};

const age: CommandSpec = { flags: ["decrypt", "encrypt", "identity", "output", "recipient", "recipients-file", "armor", "passphrase"], short: ["d", "e", "i", "o", "r", "R", "a", "p"], args: [0, 1] };

const runbook = fs.readFileSync(path.resolve(__dirname, "../../docs/restore.md"), "utf8");

/** Shell lines of every ```sh block, with `\` continuations joined. */
function shellCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^\s*```sh\n([\s\S]*?)^\s*```/gm)].map((match) => match[1]);
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, " ")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#")),
  );
}

interface Problem {
  readonly command: string;
  readonly problem: string;
}

/** Checks one command against `specs` (keyed by subcommand path); global flags are allowed anywhere. */
function check(line: string, specs: Record<string, CommandSpec>, global: { flags: readonly string[]; short?: readonly string[] }): Problem[] {
  const words = line.split(/\s+/).slice(1);
  const problems: Problem[] = [];
  const positional: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.startsWith("-")) {
      flags.push(word);
      // A global flag with a separate value (`-n velero`, `--talosconfig ./x`) consumes it.
      const name = word.replace(/^-+/, "");
      const takesValue = !word.includes("=") && ["n", "e", "c", "namespace", "nodes", "talosconfig", "kubeconfig", "kubecontext", "context"].includes(name);
      if (takesValue) i++;
    } else positional.push(word);
  }
  const path = Object.keys(specs)
    .sort((a, b) => b.split(" ").length - a.split(" ").length)
    .find((candidate) => candidate.split(" ").every((part, index) => positional[index] === part));
  if (!path) return [{ command: line, problem: `unknown subcommand "${positional.slice(0, 2).join(" ")}"` }];
  const spec = specs[path];
  // Flags of the command take values too; only the flags themselves are checked.
  const valueFlags = new Set(spec.flags.filter((flag) => !["wait", "details", "reboot", "graceful", "recover-skip-hash-check", "decrypt"].includes(flag)));
  const longs = new Set([...spec.flags, ...global.flags]);
  const shorts = new Set([...(spec.short ?? []), ...(global.short ?? [])]);
  let args = positional.length - path.split(" ").length;
  for (const flag of flags) {
    const long = /^--([a-z0-9-]+)(=.*)?$/.exec(flag);
    const short = /^-([a-zA-Z])$/.exec(flag);
    if (long && !longs.has(long[1])) problems.push({ command: line, problem: `--${long[1]} is not a flag of "${path}"` });
    else if (short && !shorts.has(short[1])) problems.push({ command: line, problem: `${flag} is not a flag of "${path}"` });
    else if (!long && !short) problems.push({ command: line, problem: `cannot read flag ${flag}` });
    // `--from-backup NAME` style: its value was counted as a positional argument.
    if (long && long[2] === undefined && valueFlags.has(long[1])) args--;
    if (short && ["i", "o", "r", "R"].includes(short[1]) && specs !== velero) args--;
  }
  const [min, max] = spec.args;
  if (args < min || args > max) problems.push({ command: line, problem: `"${path}" takes ${min}-${max} arguments, got ${args}` });
  return problems;
}

const commands = shellCommands(runbook);
const of = (tool: string) => commands.filter((line) => line.startsWith(`${tool} `));

describe("docs/restore.md", () => {
  it("has the commands the issue asks for: scratch-namespace restore, etcd recovery and the whole-cluster rebuild", () => {
    expect(of("velero").some((line) => line.includes("restore create") && line.includes("--namespace-mappings"))).toBe(true);
    expect(of("talosctl").some((line) => line.includes("bootstrap --recover-from="))).toBe(true);
    expect(of("talosctl").some((line) => line.includes("etcd snapshot"))).toBe(true);
    expect(commands).toContain("pulumi up");
    expect(runbook).toMatch(/## After losing the whole cluster[\s\S]*state[\s\S]*age key[\s\S]*SOPS files/);
  });

  it.each([
    ["velero", velero, veleroGlobal],
    ["talosctl", talosctl, talosGlobal],
  ] as const)("uses only %s subcommands and flags that exist at the pinned version", (tool, specs, global) => {
    const lines = of(tool);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.flatMap((line) => check(line, specs, global))).toEqual([]);
  });

  it("uses only age flags that exist", () => {
    const lines = of("age");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.flatMap((line) => check(`age x ${line.slice(4)}`, { x: age }, { flags: [] }))).toEqual([]);
  });

  it("catches a flag that does not exist (the checker is not vacuous)", () => {
    expect(check("velero -n velero restore create x --from-backup b --include-namespace=logging", velero, veleroGlobal)).toEqual([
      { command: expect.any(String), problem: '--include-namespace is not a flag of "restore create"' },
    ]);
    expect(check("talosctl -n 10.0.0.1 bootstrap ./db.snapshot", talosctl, talosGlobal)).toEqual([
      { command: expect.any(String), problem: '"bootstrap" takes 0-0 arguments, got 1' },
    ]);
    expect(check("velero backup restore x", velero, veleroGlobal)[0].problem).toMatch(/unknown subcommand/);
  });

  it("has a section for every backup alert's runbook link", () => {
    const anchors = new Set(
      [...runbook.matchAll(/^## (.+)$/gm)].map((match) =>
        match[1]
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, "")
          .replace(/ /g, "-"),
      ),
    );
    const rules = backupAlertGroups({ etcdNamespace: "etcd-backup" }).flatMap((group) => group.rules);
    for (const rule of rules) {
      const [file, anchor] = rule.runbook.split("#");
      expect(file).toBe("docs/restore.md");
      expect(anchors).toContain(anchor);
    }
  });
});
