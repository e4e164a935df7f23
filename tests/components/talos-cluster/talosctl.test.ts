import {
  applyAuthenticatedScript,
  applyInsecureScript,
  bootstrapScript,
  healthScript,
} from "../../../components/talos-cluster/talosctl";
import { runScript, shellSyntaxErrors } from "./helpers/fake-talosctl";

const node = "192.0.2.10";
const config = "version: v1alpha1\nmachine:\n  token: abcdef.0123456789abcdef # secret\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nhostname: n1";
const talosconfig = "context: home\ncontexts:\n  home:\n    key: c2VjcmV0LWtleQ== # secret";

const baseEnv = {
  TALOS_NODE: node,
  TALOS_ATTEMPTS: "3",
  TALOS_RETRY_DELAY: "0",
  TALOSCONFIG_CONTENT: talosconfig,
};

test.each([
  ["apply (insecure)", applyInsecureScript],
  ["apply (authenticated)", applyAuthenticatedScript],
  ["bootstrap", bootstrapScript],
  ["health", healthScript],
])("the %s script is valid POSIX sh", (_name, script) => {
  expect(shellSyntaxErrors(script)).toBe("");
});

test("the fake talosctl refuses flags the real one does not have (so the checks below can fail)", () => {
  const run = runScript('"$TALOSCTL" apply-config --insecure --node "$TALOS_NODE" --file /dev/stdin', baseEnv, config);
  expect(run.status).toBe(64);
  expect(run.stderr).toContain("unknown flag --node");
});

describe("first apply (maintenance mode)", () => {
  test("sends the config on stdin to the node, unauthenticated", () => {
    const run = runScript(applyInsecureScript, baseEnv, config);
    expect(run.status).toBe(0);
    expect(run.calls).toHaveLength(1);
    expect(run.calls[0].args).toEqual(["apply-config", "--insecure", "--nodes", node, "--file", "/dev/stdin"]);
    expect(run.calls[0].file).toBe(`${config}\n`);
  });

  test("retries a node that is still booting and sends the whole config every time", () => {
    const run = runScript(applyInsecureScript, baseEnv, config, { exitCodes: [1, 1, 0] });
    expect(run.status).toBe(0);
    expect(run.calls.map((call) => call.file)).toEqual([`${config}\n`, `${config}\n`, `${config}\n`]);
  });

  test("gives up after TALOS_ATTEMPTS and fails", () => {
    const run = runScript(applyInsecureScript, { ...baseEnv, TALOS_ATTEMPTS: "2" }, config, { exitCodes: [1, 1, 0] });
    expect(run.status).not.toBe(0);
    expect(run.calls).toHaveLength(2);
    expect(run.stderr).toContain(`failed 2 times against ${node}`);
  });
});

describe("later applies (authenticated)", () => {
  test("use the talosconfig from the environment, the node as endpoint, stdin for the config, and never reboot", () => {
    const run = runScript(applyAuthenticatedScript, baseEnv, config);
    expect(run.status).toBe(0);
    const [call] = run.calls;
    const talosconfigPath = call.args[call.args.indexOf("--talosconfig") + 1];
    expect(call.args).toEqual([
      "apply-config",
      "--talosconfig",
      talosconfigPath,
      "--endpoints",
      node,
      "--nodes",
      node,
      "--file",
      "/dev/stdin",
      "--mode",
      "no-reboot",
    ]);
    expect(call.file).toBe(`${config}\n`);
    expect(call.talosconfig).toBe(`${talosconfig}\n`);
    expect(call.talosconfigMode).toBe("-rw-------");
  });

  test("a change that needs a reboot is staged, not retried, and fails saying to reboot one node at a time", () => {
    // Talos's answer in no-reboot mode (siderolabs/talos, runtime CanApplyImmediate).
    const refused = "error applying new configuration: rpc error: code = InvalidArgument desc = this config change can't be applied in immediate mode\ndiff: ...\n";
    const run = runScript(applyAuthenticatedScript, baseEnv, config, { exitCodes: [1, 0], outputs: { 1: refused } });
    expect(run.status).toBe(3);
    expect(run.calls).toHaveLength(2);
    expect(run.calls[1].args.slice(-2)).toEqual(["--mode", "staged"]);
    expect(run.calls[1].file).toBe(`${config}\n`);
    expect(run.stderr).toContain("can't be applied in immediate mode");
    expect(run.stderr).toContain(`needs a reboot of ${node}`);
    expect(run.stderr).toContain("one at a time");
    expect(run.leftovers).toEqual([]);
  });

  test("other errors are retried (the node may be rebooting) and reported", () => {
    const unavailable = "rpc error: code = Unavailable desc = connection refused\n";
    const run = runScript(applyAuthenticatedScript, { ...baseEnv, TALOS_ATTEMPTS: "2" }, config, {
      exitCodes: [1, 1],
      outputs: { 1: unavailable, 2: unavailable },
    });
    expect(run.status).toBe(1);
    expect(run.calls.map((call) => call.args.slice(-1)[0])).toEqual(["no-reboot", "no-reboot"]);
    expect(run.stderr).toContain("connection refused");
    expect(run.stderr).toContain(`failed 2 times against ${node}`);
  });

  test.each([
    ["succeeds", [0], 0],
    ["fails", [1], 1],
  ])("remove the temporary talosconfig when talosctl %s", (_outcome, exitCodes, attempts) => {
    const run = runScript(applyAuthenticatedScript, { ...baseEnv, TALOS_ATTEMPTS: String(Math.max(attempts, 1)) }, config, { exitCodes });
    expect(run.calls).toHaveLength(1);
    expect(run.leftovers).toEqual([]);
  });
});

describe("bootstrap", () => {
  test("runs once against the node with the talosconfig", () => {
    const run = runScript(bootstrapScript, baseEnv, "");
    expect(run.status).toBe(0);
    const args = run.calls[0].args;
    expect(args).toEqual(["bootstrap", "--talosconfig", args[2], "--endpoints", node, "--nodes", node]);
    expect(run.leftovers).toEqual([]);
  });

  test("treats AlreadyExists as success (re-running is safe)", () => {
    const alreadyDone = "error executing bootstrap: rpc error: code = AlreadyExists desc = etcd data directory is not empty\n";
    const run = runScript(bootstrapScript, baseEnv, "", { exitCodes: [1], outputs: { 1: alreadyDone } });
    expect(run.status).toBe(0);
    expect(run.calls).toHaveLength(1);
    expect(run.stdout).toContain("already bootstrapped");
  });

  test("retries other errors while the node reboots, then fails loudly", () => {
    const notReady = "rpc error: code = Unavailable desc = connection refused\n";
    const run = runScript(bootstrapScript, { ...baseEnv, TALOS_ATTEMPTS: "2" }, "", {
      exitCodes: [1, 1],
      outputs: { 1: notReady, 2: notReady },
    });
    expect(run.status).not.toBe(0);
    expect(run.calls).toHaveLength(2);
    expect(run.stderr).toContain("connection refused");
  });
});

describe("health", () => {
  const healthEnv = { ...baseEnv, TALOS_CONTROL_PLANE_NODES: "192.0.2.10,192.0.2.11", TALOS_HEALTH_TIMEOUT: "20m" };

  test("checks the control planes with a bounded wait and no worker flag when there are no workers", () => {
    const run = runScript(healthScript, { ...healthEnv, TALOS_WORKER_NODES: "" }, "");
    expect(run.status).toBe(0);
    const args = run.calls[0].args;
    expect(args).toEqual([
      "health",
      "--talosconfig",
      args[2],
      "--endpoints",
      node,
      "--nodes",
      node,
      "--control-plane-nodes",
      healthEnv.TALOS_CONTROL_PLANE_NODES,
      "--wait-timeout",
      "20m",
    ]);
    expect(run.leftovers).toEqual([]);
  });

  test("names the workers when there are some, and fails when talosctl does", () => {
    const run = runScript(healthScript, { ...healthEnv, TALOS_WORKER_NODES: "192.0.2.20" }, "", { exitCodes: [1] });
    expect(run.status).not.toBe(0);
    expect(run.calls[0].args.slice(-2)).toEqual(["--worker-nodes", "192.0.2.20"]);
    expect(run.leftovers).toEqual([]);
  });
});

test("no secret reaches a command line", () => {
  const runs = [
    runScript(applyInsecureScript, baseEnv, config),
    runScript(applyAuthenticatedScript, baseEnv, config),
    runScript(bootstrapScript, baseEnv, ""),
  ];
  const argv = runs.flatMap((run) => run.calls.flatMap((call) => call.args)).join(" ");
  expect(argv).not.toContain("abcdef.0123456789abcdef");
  expect(argv).not.toContain("c2VjcmV0LWtleQ==");
});
