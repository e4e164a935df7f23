import type * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import { local } from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "../../config/schema";
import {
  applyAuthenticatedScript,
  applyInsecureScript,
  bootstrapScript,
  healthScript,
  interpreter,
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
 *   (node lists, talosconfig) change, and both are safe to repeat.
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
}

export interface TalosCommands {
  readonly applies: Readonly<Record<string, local.Command>>;
  readonly bootstrap: local.Command;
  readonly health: local.Command;
}

/** A fresh VM boots, imports nothing more and reaches maintenance mode well within 15 minutes. */
const applyRetry = { attempts: 90, delaySeconds: 10 };
/** After the first config the node installs and reboots before etcd can be bootstrapped. */
const bootstrapRetry = { attempts: 60, delaySeconds: 10 };

function environment(
  args: TalosCommandsArgs,
  node: string,
  retry: { attempts: number; delaySeconds: number },
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
  return { parent, dependsOn: [vm], replaceWith: [vm], customTimeouts: { create: "20m", update: "20m" } };
}

export function createTalosCommands(name: string, args: TalosCommandsArgs, parent: pulumi.Resource): TalosCommands {
  const { cluster } = args;
  const applies: Record<string, local.Command> = {};
  for (const node of cluster.nodes) {
    const vm = args.vms[node.name];
    applies[node.name] = new local.Command(
      `${name}-apply-${node.name}`,
      {
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
  const bootstrap = new local.Command(
    `${name}-bootstrap`,
    {
      interpreter,
      create: bootstrapScript,
      environment: environment(args, first.ip, bootstrapRetry),
    },
    { parent, dependsOn: controlPlaneApplies, customTimeouts: { create: "15m", update: "15m" } },
  );

  const healthEnvironment: Record<keyof HealthEnvironment, pulumi.Input<string>> = {
    ...environment(args, first.ip, bootstrapRetry),
    TALOS_CONTROL_PLANE_NODES: controlPlaneNodes(cluster)
      .map((node) => node.ip)
      .join(","),
    TALOS_WORKER_NODES: cluster.nodes
      .filter((node) => node.role === "worker")
      .map((node) => node.ip)
      .join(","),
    TALOS_HEALTH_TIMEOUT: `${args.healthTimeoutMinutes}m`,
  };
  const health = new local.Command(
    `${name}-health`,
    {
      interpreter,
      create: healthScript,
      environment: healthEnvironment,
    },
    {
      parent,
      dependsOn: [bootstrap, ...Object.values(applies)],
      // talosctl gives up after --wait-timeout; this only catches a hung process.
      customTimeouts: { create: `${args.healthTimeoutMinutes + 10}m`, update: `${args.healthTimeoutMinutes + 10}m` },
    },
  );
  return { applies, bootstrap, health };
}
