import type * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import { local } from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "../../config/schema";
import {
  apiReadyScript,
  applyAuthenticatedScript,
  applyInsecureScript,
  bootstrapScript,
  healthScript,
  interpreter,
  type BootstrapEnvironment,
  type HealthEnvironment,
  type TalosctlEnvironment,
} from "./talosctl";
import { bootstrapNode, controlPlaneNodes } from "./topology";

/**
 * Apply, bootstrap and health check as `local.Command`s. How they re-run:
 *
 * - A changed machine config changes the apply command's `stdin`, which runs `update`: an
 *   authenticated apply-config. The VM is untouched.
 * - A re-created VM is back in maintenance mode and needs `create` again (the unauthenticated
 *   apply). `replaceWith: [vm]` replaces the command whenever its VM is replaced, and a replaced
 *   command runs `create`. (The VM's `id` can't serve as a trigger: the provider's id is the fixed
 *   VM number, the same for the new VM.) A config hash as trigger would instead re-run the
 *   unauthenticated `create` against a configured node, which refuses it.
 * - `update` uses `--mode no-reboot`, so a config change never reboots nodes, least of all every
 *   control plane at once; a change that needs a reboot fails with what to do (talosctl.ts).
 * - Bootstrap and health have no secret-free reason to change; they re-run when their inputs
 *   (node lists, talosconfig) change, and both are safe to repeat: bootstrap asks every control
 *   plane first and does nothing while any of them runs etcd (talosctl.ts).
 *
 * What @pulumi/command 1.x does with them (pulumi/pulumi-command v1.2.1,
 * provider/pkg/provider/local/commandOutputs.go `run`):
 * - `logging`: which streams go to the Pulumi log while the command runs (as info, not as
 *   errors). Only stderr, where the scripts report progress and Talos' answers (redacted); stdout
 *   is talosctl's success chatter and stays out of the log.
 * - `addPreviousOutputInEnv` (default true) would hand the previous run's stdout and stderr to the
 *   next run as PULUMI_COMMAND_STDOUT/STDERR; no script reads them, so it is off.
 * - `customTimeouts` become the provider's context deadline (pulumi-go-provider's cancel
 *   middleware), which kills the script with SIGKILL: no trap runs then, so every timeout is longer
 *   than the script's own retry budget, which ends the script first (see `commandTimeout`).
 * - stdout and stderr are stored in state; the apply's are marked secret as well (they follow a
 *   secret stdin), although the scripts never print secrets.
 *
 * No command has a `delete`: destroying the stack leaves protected VMs alone, and a config can't
 * be "unapplied".
 */

export interface TalosCommandsArgs {
  readonly cluster: ClusterConfig;
  /** Serialised machine config per node name (secret). */
  readonly machineConfigs: Readonly<Record<string, pulumi.Output<string>>>;
  readonly vms: Readonly<Record<string, proxmoxve.VmLegacy>>;
  /** Admin talosconfig (secret). */
  readonly talosconfig: pulumi.Output<string>;
  readonly talosctl: string;
  readonly healthTimeoutMinutes: number;
  /**
   * Leave out the health check: a cluster whose CNI the program installs itself (Talos
   * `cni.name: none`) has no Ready node before that, so `talosctl health` must run after the CNI
   * (`createHealthCommand`). The API-ready command stands in as what the Kubernetes provider waits for.
   */
  readonly deferHealth?: boolean;
}

export interface TalosCommands {
  readonly applies: Readonly<Record<string, local.Command>>;
  readonly bootstrap: local.Command;
  /** Absent when `deferHealth`. */
  readonly health?: local.Command;
  /** With `deferHealth`: the kube-apiserver answers on every control plane (nodes may still be NotReady). */
  readonly apiReady?: local.Command;
  /** Creates the health check after `after` (the CNI); callable once. */
  readonly createHealthCommand: (after: readonly pulumi.Resource[]) => local.Command;
}

/** The API server static pods come up within minutes of the bootstrap. */
export const apiReadyRetry: Retry = { attempts: 60, delaySeconds: 10 };

interface Retry {
  readonly attempts: number;
  readonly delaySeconds: number;
}

/** A fresh VM boots, imports nothing more and reaches maintenance mode well within 15 minutes. */
export const applyRetry: Retry = { attempts: 90, delaySeconds: 10 };
/** After the first config the node installs and reboots before etcd can be bootstrapped. */
export const bootstrapRetry: Retry = { attempts: 60, delaySeconds: 10 };
/** Time one talosctl call may take on top of the sleeps (connection setup, a slow node). */
const perAttemptAllowanceSeconds = 5;

/**
 * The provider's deadline for a script with `retry`: the sleeps between attempts, an allowance per
 * attempt, and `slackMinutes` for the rest. The script gives up on its own before it, so its trap
 * removes the talosconfig (a provider timeout kills it with SIGKILL, and no trap runs).
 */
export function commandTimeout(retry: Retry, slackMinutes: number): string {
  const budgetSeconds = retry.attempts * (retry.delaySeconds + perAttemptAllowanceSeconds);
  return `${Math.ceil(budgetSeconds / 60) + slackMinutes}m`;
}

/** Options every command shares: see the header for what each one does in pulumi-command 1.x. */
const commandDefaults = { logging: "stderr", addPreviousOutputInEnv: false } as const;

/** A command that runs one script (no update or delete step) with its environment. */
function scriptCommand(
  name: string,
  create: string,
  environment: Record<string, pulumi.Input<string>>,
  opts: pulumi.CustomResourceOptions,
): local.Command {
  return new local.Command(name, { ...commandDefaults, interpreter, create, environment }, opts);
}

function environment(
  args: TalosCommandsArgs,
  node: string,
  retry: Retry,
): Record<keyof TalosctlEnvironment, pulumi.Input<string>> {
  return {
    TALOSCTL: args.talosctl,
    TALOS_NODE: node,
    TALOS_ATTEMPTS: String(retry.attempts),
    TALOS_RETRY_DELAY: String(retry.delaySeconds),
    // Inputs are stored in state: the talosconfig is marked secret so it is encrypted there.
    TALOSCONFIG_CONTENT: pulumi.secret(args.talosconfig),
  };
}

/** Options of a node's apply command: after its VM, and replaced (so re-run) with it. */
export function applyCommandOptions(vm: proxmoxve.VmLegacy, parent: pulumi.Resource): pulumi.CustomResourceOptions {
  // The create may run two retry loops (insecure, then authenticated on an already configured node).
  const timeout = commandTimeout({ ...applyRetry, attempts: applyRetry.attempts * 2 }, 5);
  return {
    parent,
    dependsOn: [vm],
    replaceWith: [vm],
    customTimeouts: { create: timeout, update: timeout },
    additionalSecretOutputs: ["stdout", "stderr"],
  };
}

export function createTalosCommands(name: string, args: TalosCommandsArgs, parent: pulumi.Resource): TalosCommands {
  const { cluster } = args;
  const applies: Record<string, local.Command> = {};
  for (const node of cluster.nodes) {
    const vm = args.vms[node.name];
    applies[node.name] = new local.Command(
      `${name}-apply-${node.name}`,
      {
        ...commandDefaults,
        interpreter,
        create: applyInsecureScript,
        update: applyAuthenticatedScript,
        stdin: pulumi.secret(args.machineConfigs[node.name]),
        environment: environment(args, node.ip, applyRetry),
      },
      applyCommandOptions(vm, parent),
    );
  }

  const first = bootstrapNode(cluster);
  const controlPlaneApplies = controlPlaneNodes(cluster).map((node) => applies[node.name]);
  const bootstrapEnvironment: Record<keyof BootstrapEnvironment, pulumi.Input<string>> = {
    ...environment(args, first.ip, bootstrapRetry),
    TALOS_CONTROL_PLANE_NODES: controlPlaneNodes(cluster)
      .map((node) => node.ip)
      .join(","),
  };
  const bootstrapTimeout = commandTimeout(bootstrapRetry, 5);
  const bootstrap = scriptCommand(`${name}-bootstrap`, bootstrapScript, bootstrapEnvironment, {
    parent,
    dependsOn: controlPlaneApplies,
    customTimeouts: { create: bootstrapTimeout, update: bootstrapTimeout },
  });

  const apiReadyTimeout = commandTimeout(apiReadyRetry, 5);
  const apiReady = !args.deferHealth
    ? undefined
    : scriptCommand(
        `${name}-api-ready`,
        apiReadyScript,
        { ...environment(args, first.ip, apiReadyRetry), TALOS_CONTROL_PLANE_NODES: bootstrapEnvironment.TALOS_CONTROL_PLANE_NODES },
        { parent, dependsOn: [bootstrap], customTimeouts: { create: apiReadyTimeout, update: apiReadyTimeout } },
      );

  const healthEnvironment: Record<keyof HealthEnvironment, pulumi.Input<string>> = {
    ...bootstrapEnvironment,
    TALOS_WORKER_NODES: cluster.nodes
      .filter((node) => node.role === "worker")
      .map((node) => node.ip)
      .join(","),
    TALOS_HEALTH_TIMEOUT: `${args.healthTimeoutMinutes}m`,
  };
  let created: local.Command | undefined;
  const createHealthCommand = (after: readonly pulumi.Resource[]): local.Command => {
    if (created) throw new pulumi.ResourceError("the cluster health check exists already", parent);
    created = scriptCommand(`${name}-health`, healthScript, healthEnvironment, {
      parent,
      dependsOn: [bootstrap, ...Object.values(applies), ...after],
      // talosctl gives up after --wait-timeout; this only catches a hung process.
      customTimeouts: { create: `${args.healthTimeoutMinutes + 10}m`, update: `${args.healthTimeoutMinutes + 10}m` },
    });
    return created;
  };
  const health = args.deferHealth ? undefined : createHealthCommand([]);
  return { applies, bootstrap, health, apiReady, createHealthCommand };
}
