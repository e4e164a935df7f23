import { applyCommandOptions, applyRetry, bootstrapRetry, commandTimeout } from "../../../components/talos-cluster/commands";
import { resourcesOfType, unwrapSecrets } from "../../helpers";
import { type Rendered, renderCluster } from "./helpers/render";
import { stackConfig } from "../../helpers/stack-config";

/**
 * How the talosctl commands use @pulumi/command 1.x (pulumi/pulumi-command v1.2.1,
 * provider/pkg/provider/local/commandOutputs.go `run`, and pulumi-go-provider v1.3.0's cancel
 * middleware, which turns customTimeouts into a context deadline that SIGKILLs the script).
 * 4.5.0 knew none of `logging`/`addPreviousOutputInEnv` and ignored customTimeouts.
 */

const COMMAND = "command:local:Command";
type Plain = Record<string, unknown>;

const config = stackConfig("home");
let rendered: Rendered;
beforeAll(async () => {
  rendered = await renderCluster(config);
});

const minutes = (timeout: string | undefined) => Number(/^(\d+)m$/.exec(timeout ?? "")?.[1] ?? NaN);

test("every command logs only stderr (progress, redacted Talos answers), never stdout, and gets no previous output in its environment", () => {
  const commands = resourcesOfType(rendered.resources, COMMAND);
  expect(commands.length).toBe(config.cluster.nodes.length + 2);
  for (const command of commands) {
    const inputs = unwrapSecrets(command.inputs) as Plain;
    expect([command.name, inputs.logging, inputs.addPreviousOutputInEnv]).toEqual([command.name, "stderr", false]);
  }
});

test("bootstrap knows every control plane, so it can see whether etcd already runs on one", () => {
  const bootstrap = resourcesOfType(rendered.resources, COMMAND).find((c) => c.name === "cluster-bootstrap");
  const environment = (unwrapSecrets(bootstrap?.inputs) as { environment: Plain }).environment;
  const controlPlanes = config.cluster.nodes.filter((n) => n.role === "controlplane").map((n) => n.ip);
  expect(environment.TALOS_CONTROL_PLANE_NODES).toBe(controlPlanes.join(","));
});

test("the provider's deadline is longer than the scripts' own retry budget, so a script ends (and removes the talosconfig) by itself", () => {
  const sleeps = (retry: { attempts: number; delaySeconds: number }) => (retry.attempts * retry.delaySeconds) / 60;
  const vm = rendered.cluster.vms[config.cluster.nodes[0].name];
  const apply = applyCommandOptions(vm, rendered.cluster);
  // The first apply may run two retry loops: maintenance mode, then authenticated.
  expect(minutes(apply.customTimeouts?.create)).toBeGreaterThan(2 * sleeps(applyRetry));
  expect(apply.customTimeouts?.update).toBe(apply.customTimeouts?.create);
  expect(minutes(commandTimeout(bootstrapRetry, 5))).toBeGreaterThan(sleeps(bootstrapRetry) + 5);
});

test("the apply's stdout and stderr are secret in state (they follow a secret stdin)", () => {
  const vm = rendered.cluster.vms[config.cluster.nodes[0].name];
  expect(applyCommandOptions(vm, rendered.cluster).additionalSecretOutputs).toEqual(["stdout", "stderr"]);
});
