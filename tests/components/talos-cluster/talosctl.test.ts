import {
  apiReadyScript,
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
  ["api-ready", apiReadyScript],
])("the %s script is valid POSIX sh", (_name, script) => {
  expect(shellSyntaxErrors(script)).toBe("");
});

test("the fake talosctl refuses flags the real one does not have (so the checks below can fail)", () => {
  const run = runScript('"$TALOSCTL" apply-config --insecure --node "$TALOS_NODE" --file /dev/stdin', baseEnv, config);
  expect(run.status).toBe(64);
  expect(run.stderr).toContain("unknown flag --node");
});

/**
 * Talos v1.13.9's answers, as talosctl prints them (siderolabs/talos cmd/talosctl/cmd/talos/apply-config.go
 * wraps the gRPC status: "error applying new configuration: rpc error: code = <Code> desc = <message>";
 * codes from internal/app/machined/internal/server/v1alpha1/v1alpha1_server.go ApplyConfiguration).
 */
const talos = {
  /** Nothing listens yet: the VM is still booting (gRPC dial error). */
  booting:
    'error applying new configuration: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 192.0.2.10:50000: connect: connection refused"\n',
  /** Config parse or validation failed: `status.Error(codes.InvalidArgument, err.Error())`. */
  refused: "error applying new configuration: rpc error: code = InvalidArgument desc = 1 error occurred:\n\t* install disk or diskSelector should be defined\n",
  /** `s.applyConfigMu.TryLock()` failed: another apply is running. */
  busy: "error applying new configuration: rpc error: code = FailedPrecondition desc = another apply configuration is already in progress\n",
  /**
   * A configured node: apid wants a client certificate (TLS Mutual) and the insecure client has
   * none, so the TLS 1.3 handshake ends with the server's certificate_required alert.
   */
  configured:
    'error applying new configuration: rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: remote error: tls: certificate required"\n',
};

describe("first apply (maintenance mode)", () => {
  test("sends the config on stdin to the node, unauthenticated", () => {
    const run = runScript(applyInsecureScript, baseEnv, config);
    expect(run.status).toBe(0);
    expect(run.calls).toHaveLength(1);
    expect(run.calls[0].args).toEqual(["apply-config", "--insecure", "--nodes", node, "--file", "/dev/stdin"]);
    expect(run.calls[0].file).toBe(`${config}\n`);
    expect(run.leftovers).toEqual([]);
  });

  test("retries a node that is still booting or busy and sends the whole config every time", () => {
    const run = runScript(applyInsecureScript, baseEnv, config, { exitCodes: [1, 1, 0], outputs: { 1: talos.booting, 2: talos.busy } });
    expect(run.status).toBe(0);
    expect(run.calls.map((call) => call.file)).toEqual([`${config}\n`, `${config}\n`, `${config}\n`]);
  });

  test("gives up after TALOS_ATTEMPTS of transient errors and fails", () => {
    const run = runScript(applyInsecureScript, { ...baseEnv, TALOS_ATTEMPTS: "2" }, config, {
      exitCodes: [1, 1, 0],
      outputs: { 1: talos.booting, 2: talos.booting },
    });
    expect(run.status).not.toBe(0);
    expect(run.calls).toHaveLength(2);
    expect(run.stderr).toContain(`failed 2 times against ${node}`);
  });

  test("a config the node refuses (InvalidArgument) fails at once with Talos' message", () => {
    const run = runScript(applyInsecureScript, baseEnv, config, { exitCodes: [1, 0], outputs: { 1: talos.refused } });
    expect(run.status).toBe(2);
    expect(run.calls).toHaveLength(1);
    expect(run.stderr).toContain("install disk or diskSelector should be defined");
    expect(run.stderr).toContain("refused the configuration");
    expect(run.leftovers).toEqual([]);
  });

  test("an error it cannot classify is not retried either", () => {
    const run = runScript(applyInsecureScript, baseEnv, config, { exitCodes: [1, 0], outputs: { 1: "error reading file: permission denied\n" } });
    expect(run.status).toBe(2);
    expect(run.calls).toHaveLength(1);
  });

  test("a node that already left maintenance mode gets the config authenticated: the normal path of a re-run", () => {
    const run = runScript(applyInsecureScript, baseEnv, config, { exitCodes: [1, 0], outputs: { 1: talos.configured } });
    expect(run.status).toBe(0);
    expect(run.calls).toHaveLength(2);
    const [, authenticated] = run.calls;
    expect(authenticated.args).not.toContain("--insecure");
    expect(authenticated.args.slice(-2)).toEqual(["--mode", "no-reboot"]);
    expect(authenticated.file).toBe(`${config}\n`);
    expect(authenticated.talosconfig).toBe(`${talosconfig}\n`);
    expect(run.stderr).toContain("left maintenance mode");
    expect(run.leftovers).toEqual([]);
  });

  test("the authenticated fallback keeps its own rules: a change that needs a reboot is staged and fails", () => {
    const run = runScript(applyInsecureScript, baseEnv, config, {
      exitCodes: [1, 1, 0],
      outputs: { 1: talos.configured, 2: "error applying new configuration: rpc error: code = InvalidArgument desc = this config change can't be applied in immediate mode\ndiff:\n" },
    });
    expect(run.status).toBe(3);
    expect(run.calls.map((call) => call.args.slice(-1)[0])).toEqual(["/dev/stdin", "no-reboot", "staged"]);
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

  test("the immediate-mode diff is printed with every value redacted (it quotes the machine config)", () => {
    // CanApplyImmediate (internal/app/machined/pkg/runtime/v1alpha1/v1alpha1_runtime.go) returns
    // "this config change can't be applied in immediate mode\ndiff:\n" + a unified diff of the
    // whole v1alpha1 YAML (pkg/machinery/textdiff), context lines included.
    const diff = [
      "--- a",
      "+++ b",
      "@@ -3,9 +3,9 @@",
      "     token: abcdef.0123456789abcdef",
      "     ca:",
      "-        crt: LS0tLS1CRUdJTiBPTEQ=",
      "+        crt: LS0tLS1CRUdJTiBORVc=",
      "         key: c2VjcmV0LWNhLWtleQ==",
      "     certSANs:",
      "-        - 192.0.2.10",
      "+        - 192.0.2.99",
      "     install:",
      "-        image: factory.talos.dev/installer/abc:v1.13.9",
    ].join("\n");
    const refused = `error applying new configuration: rpc error: code = InvalidArgument desc = this config change can't be applied in immediate mode\ndiff:\n${diff}\n`;
    const run = runScript(applyAuthenticatedScript, baseEnv, config, { exitCodes: [1, 0], outputs: { 1: refused } });
    expect(run.status).toBe(3);
    for (const secret of ["abcdef.0123456789abcdef", "c2VjcmV0LWNhLWtleQ==", "LS0tLS1CRUdJTiBPTEQ=", "LS0tLS1CRUdJTiBORVc=", "192.0.2.99", "factory.talos.dev"]) {
      expect(run.stderr).not.toContain(secret);
    }
    // What is left still says what changed where.
    expect(run.stderr).toContain("can't be applied in immediate mode");
    expect(run.stderr).toContain("@@ -3,9 +3,9 @@");
    expect(run.stderr).toContain("-        crt: <redacted>");
    expect(run.stderr).toContain("+        - <redacted>");
    expect(run.stderr).toContain("     ca:\n");
  });

  test("a config the node refuses fails at once", () => {
    const refused = "error applying new configuration: rpc error: code = InvalidArgument desc = 1 error occurred:\n\t* unknown keys found during decoding\n";
    const run = runScript(applyAuthenticatedScript, baseEnv, config, { exitCodes: [1, 0], outputs: { 1: refused } });
    expect(run.status).toBe(2);
    expect(run.calls).toHaveLength(1);
    expect(run.stderr).toContain("unknown keys found during decoding");
  });

  test("unreachable nodes are retried (the node may be rebooting) and reported", () => {
    const unavailable = talos.booting;
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
    const run = runScript(applyAuthenticatedScript, { ...baseEnv, TALOS_ATTEMPTS: String(Math.max(attempts, 1)) }, config, {
      exitCodes,
      outputs: { 1: talos.booting },
    });
    expect(run.calls).toHaveLength(1);
    expect(run.leftovers).toEqual([]);
  });
});

describe("bootstrap", () => {
  const controlPlanes = "192.0.2.10,192.0.2.11,192.0.2.12";
  const env = { ...baseEnv, TALOS_CONTROL_PLANE_NODES: controlPlanes };
  /** `talosctl service etcd` (pkg/machinery/formatters RenderServicesInfo), tab-aligned. */
  const etcd = (state: string) => `NODE     192.0.2.1x\nID       etcd\nSTATE    ${state}\nHEALTH   ?\nEVENTS   [${state}]: state changed (1m ago)\n`;
  const waiting = etcd("Preparing");

  test("asks every control plane about etcd, then bootstraps the first node once none runs it", () => {
    const run = runScript(bootstrapScript, env, "", { stdouts: { 1: waiting, 2: waiting, 3: waiting } });
    expect(run.status).toBe(0);
    expect(run.calls).toHaveLength(4);
    expect(run.calls.slice(0, 3).map((call) => [call.args[0], call.args[1], call.args[call.args.indexOf("--nodes") + 1]])).toEqual(
      controlPlanes.split(",").map((ip) => ["service", "etcd", ip]),
    );
    const args = run.calls[3].args;
    expect(args).toEqual(["bootstrap", "--talosconfig", args[2], "--endpoints", node, "--nodes", node]);
    expect(run.leftovers).toEqual([]);
  });

  test("does not bootstrap when any control plane already runs etcd (a re-run after a talosconfig change)", () => {
    // E.g. the first control plane was re-created (empty etcd data: Bootstrap would not answer
    // AlreadyExists there, it would start a second cluster) while the others run etcd.
    const run = runScript(bootstrapScript, env, "", { stdouts: { 1: waiting, 2: etcd("Running") } });
    expect(run.status).toBe(0);
    expect(run.calls.map((call) => call.args[0])).toEqual(["service", "service"]);
    expect(run.stdout).toContain("etcd already runs on control plane 192.0.2.11");
  });

  test("waits while a control plane cannot answer, instead of guessing", () => {
    const run = runScript(bootstrapScript, env, "", {
      exitCodes: [0, 1, 0, 0, 0, 0, 0],
      outputs: { 2: talos.booting },
      stdouts: { 1: waiting, 3: waiting, 4: waiting, 5: waiting, 6: waiting },
    });
    expect(run.status).toBe(0);
    expect(run.calls.map((call) => call.args[0])).toEqual(["service", "service", "service", "service", "service", "service", "bootstrap"]);
    expect(run.stderr).toContain("cannot tell whether etcd runs on 192.0.2.11");
  });

  test("treats AlreadyExists as success (re-running is safe)", () => {
    const alreadyDone = "error executing bootstrap: rpc error: code = AlreadyExists desc = etcd data directory is not empty\n";
    const run = runScript(bootstrapScript, env, "", { exitCodes: [0, 0, 0, 1], outputs: { 4: alreadyDone }, stdouts: { 1: waiting, 2: waiting, 3: waiting } });
    expect(run.status).toBe(0);
    expect(run.calls).toHaveLength(4);
    expect(run.stdout).toContain("already bootstrapped");
  });

  test("retries bootstrap errors while the node reboots, then fails loudly", () => {
    const notReady = "error executing bootstrap: rpc error: code = FailedPrecondition desc = time is not in sync yet\n";
    const one = { ...env, TALOS_CONTROL_PLANE_NODES: node, TALOS_ATTEMPTS: "2" };
    const run = runScript(bootstrapScript, one, "", {
      exitCodes: [0, 1, 0, 1],
      outputs: { 2: notReady, 4: notReady },
      stdouts: { 1: waiting, 3: waiting },
    });
    expect(run.status).not.toBe(0);
    expect(run.calls.map((call) => call.args[0])).toEqual(["service", "bootstrap", "service", "bootstrap"]);
    expect(run.stderr).toContain("time is not in sync yet");
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

describe("API ready (before the CNI; talosctl health would wait for Ready nodes)", () => {
  const env = { ...baseEnv, TALOS_CONTROL_PLANE_NODES: "192.0.2.10,192.0.2.11" };
  // `talosctl get staticpodstatus` as Talos prints it (one row per static pod).
  const table = (node: string, ready: string) =>
    [
      "NODE         NAMESPACE   TYPE              ID                                          VERSION   READY",
      `${node}   k8s         StaticPodStatus   kube-system/kube-apiserver-cp                 2         ${ready}`,
      `${node}   k8s         StaticPodStatus   kube-system/kube-scheduler-cp                 2         True`,
      "",
    ].join("\n");

  test("asks every control plane and succeeds once each API server is Ready", () => {
    const run = runScript(apiReadyScript, env, "", { stdouts: { 1: table("192.0.2.10", "True"), 2: table("192.0.2.11", "True") } });
    expect(run.status).toBe(0);
    expect(run.calls.map((call) => [call.args[0], call.args[1], call.args[call.args.indexOf("--nodes") + 1]])).toEqual([
      ["get", "staticpodstatus", "192.0.2.10"],
      ["get", "staticpodstatus", "192.0.2.11"],
    ]);
    expect(run.leftovers).toEqual([]);
  });

  test("retries while an API server is not Ready or a node does not answer, then gives up", () => {
    const run = runScript(apiReadyScript, env, "", {
      stdouts: { 1: table("192.0.2.10", "False"), 3: table("192.0.2.10", "True"), 4: table("192.0.2.11", "True") },
      exitCodes: [0, 1, 0, 0],
    });
    expect(run.status).toBe(0);
    expect(run.calls).toHaveLength(4);
    expect(run.stderr).toContain("kube-apiserver on 192.0.2.10 is not Ready yet");
    const never = runScript(apiReadyScript, env, "", { stdouts: { 1: table("192.0.2.10", "False"), 2: table("192.0.2.10", "False"), 3: table("192.0.2.10", "False") } });
    expect(never.status).not.toBe(0);
    expect(never.stderr).toContain("giving up");
  });
});

test("no secret reaches a command line", () => {
  const runs = [
    runScript(applyInsecureScript, baseEnv, config),
    runScript(applyAuthenticatedScript, baseEnv, config),
    runScript(bootstrapScript, { ...baseEnv, TALOS_CONTROL_PLANE_NODES: node }, ""),
  ];
  const argv = runs.flatMap((run) => run.calls.flatMap((call) => call.args)).join(" ");
  expect(argv).not.toContain("abcdef.0123456789abcdef");
  expect(argv).not.toContain("c2VjcmV0LWtleQ==");
});
